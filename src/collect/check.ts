// Is this answer the profile we asked for? A proxy's error page, a login page, a 404 from a service that
// mounts pprof elsewhere, or a body cut short must never be saved as a snapshot: the analyzer would either
// refuse it later, far from its cause, or (worse) count it. The decoder is the judge of "a real profile";
// this file adds what only HTTP knows: the status, redirects, and which profile the URL should give.

import { LeakdiffError, quote } from '../errors.js';
import { decode } from '../decode/index.js';
import type { Limits } from '../limits.js';
import type { Kind, Snapshot } from '../model.js';
import { CollectError, type Answer } from './fetch.js';
import type { CollectKind } from './options.js';

/** What one request is for: a kind in protobuf form, or the goroutine debug=2 text dump. */
export interface Target {
  readonly kind: CollectKind;
  readonly debug2: boolean;
}

/** Returns the warnings a saved answer carries (a dump the runtime cut at 64 MiB); throws when unusable. */
export function checkAnswer(name: string, target: Target, answer: Answer, limits: Limits): string[] {
  checkStatus(name, answer);
  const snapshot = decodeAnswer(name, answer.body, limits);
  if (target.debug2) {
    if (snapshot.form !== 'goroutine-dump')
      throw new CollectError(name, `expected a goroutine?debug=2 dump, got a ${snapshot.form} ${snapshot.kind} profile`, false);
  } else {
    const want = expectedKind(target.kind);
    if (snapshot.form !== 'pprof')
      throw new CollectError(name, `expected a protobuf profile, got ${snapshot.form} text (is a debug= parameter forced by a proxy?)`, false);
    if (snapshot.kind !== want) throw new CollectError(name, `expected a ${want} profile, got a ${snapshot.kind} profile (is --path-prefix right?)`, false);
  }
  return snapshot.truncation === null
    ? []
    : [`${name}: the dump is cut short (${snapshot.truncation.reason}); saved with the ${snapshot.truncation.goroutinesRead} goroutines it holds`];
}

/** The decoder is the judge of "a real profile", debug=2 dumps included. */
function decodeAnswer(name: string, body: Buffer, limits: Limits): Snapshot {
  try {
    return decode(name, body, limits).snapshot;
  } catch (err) {
    if (!(err instanceof LeakdiffError)) throw err;
    // A malformed profile (a gzip stream cut short) may be a transient fault; any other form will not change.
    throw new CollectError(name, `${err.stage}: ${err.detail}`, err.code === 'malformed');
  }
}

/** allocs is the heap profile with allocation totals as its default view; its sample types are the heap's. */
function expectedKind(kind: CollectKind): Kind {
  return kind === 'allocs' ? 'heap' : kind;
}

function checkStatus(name: string, a: Answer): void {
  if (a.status === 200) return;
  const status = `HTTP ${a.status}${a.statusText === '' ? '' : ` ${a.statusText}`}`;
  if (a.status >= 300 && a.status < 400) {
    const to = a.headers.location ?? '(no Location)';
    throw new CollectError(name, `${status}, redirected to ${quote(to)} (a login page? pass credentials with --header)`, false, a.status);
  }
  const hint =
    a.status === 401 || a.status === 403
      ? ' (pass credentials with --header)'
      : a.status === 404
        ? ' (is --path-prefix right, and net/http/pprof imported?)'
        : '';
  // 5xx, 408 and 429 may pass; other client errors will not.
  const transient = a.status >= 500 || a.status === 408 || a.status === 429;
  throw new CollectError(name, `${status}${hint}: ${snippet(a.body)}`, transient, a.status);
}

/** The first words of an error body: an HTML page's title, else its first non-empty line. */
export function snippet(body: Buffer): string {
  const text = body.subarray(0, 4096).toString('utf8');
  const title = /<title>([^<]{1,120})<\/title>/i.exec(text);
  if (title !== null) return quote(title[1].trim());
  const line = text
    .replace(/<[^>]*>/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line === undefined ? 'empty body' : quote(line);
}
