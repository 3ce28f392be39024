// Whose code leakdiff took as the service's own, and why, in words: the same sentence for the report's
// method and the JSON's `ownership.how`.

import type { OwnedModule, Ownership } from '../normalize/ownership.js';
import { code } from './parts.js';

/** How many packages left unknown are named before "and N more". */
const UNKNOWN_NAMED = 5;

/** `quote` marks names and paths: Markdown code spans in the report, plain text in JSON. */
export function ownershipSentence(o: Ownership, quote: (s: string) => string = code): string {
  const parts: string[] = [];
  if (o.overridden)
    parts.push(
      `${quote('--module')} named the service's own code: ${o.modules.map((m) => quote(m.path)).join(', ')}; every other package outside the standard library is taken as a library.`,
    );
  else if (o.modules.length === 0)
    parts.push(
      `No main.* frame in the profiles names the service's checkout, so no code was taken as the service's own; give ${quote('--module PATH')} to name it.`,
    );
  else parts.push(...o.modules.map((m) => moduleSentence(m, quote)));
  if (o.unknownPackages.length > 0) {
    const named = o.unknownPackages
      .slice(0, UNKNOWN_NAMED)
      .map((p) => quote(p))
      .join(', ');
    const more = o.unknownPackages.length > UNKNOWN_NAMED ? ` and ${o.unknownPackages.length - UNKNOWN_NAMED} more` : '';
    parts.push(
      `No evidence placed ${named}${more} (neither the service's tree nor a module cache, vendor/ or GOPATH path): their frames are "unknown", never taken as the service's; ${quote('--module')} settles it.`,
    );
  }
  return parts.join(' ');
}

function moduleSentence(m: OwnedModule, quote: (s: string) => string): string {
  const main = quote(m.mainFile ?? '');
  switch (m.how) {
    case 'main-path':
      return `The service's own code is ${quote(m.path)}: the import path of the main package, from its file ${main}.`;
    case 'shared-root':
      return `The service's own code is ${quote(m.path)}: the main package (${main}) and ${quote(m.witness ?? '')} share ${m.root !== null && m.root.startsWith('/') ? `the checkout ${quote(m.root)}` : `the path ${quote(m.root ?? m.path)}`}.`;
    case 'main-dir':
      return `The service's own code is its main package, in ${quote(m.root ?? '')} (from ${main}); no other package shares its checkout.`;
    case 'flag':
      return `The service's own code is ${quote(m.path)} (${quote('--module')}).`;
  }
}
