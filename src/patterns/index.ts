// Known Go leak signatures, as data, and the matcher the diagnose stage uses to name a leak, explain it and
// point at its fix. The table lives in src/patterns/ (one file per library family); see match.ts for how a
// match is decided and scored.

import { matchSignatures as matchWith } from './match.js';
import type { Evidence, Match, Signature } from './signature.js';
import { SIGNATURES } from './table.js';

export type { CapturedOn, Evidence, Match, Signature, SignatureKind, VersionCaveat, VersionCaveatId } from './signature.js';
export { entryPointCaller, showsSignature, waitsAs } from './match.js';
export { inferWaitState } from './wait-state.js';
export { SIGNATURES };

/** The signatures that explain one suspected leak, best first; [] when none does. */
export function matchSignatures(e: Evidence, table: readonly Signature[] = SIGNATURES): Match[] {
  return matchWith(e, table);
}

/** Every signature's pool state calls (Signature.poolState): heap under them is the pool's, whatever the finding. */
export const POOL_STATE: readonly RegExp[] = SIGNATURES.flatMap((s) => s.poolState ?? []);

/** A signature by its id, as it appears in the JSON result. */
export function signatureById(id: string): Signature | undefined {
  return SIGNATURES.find((s) => s.id === id);
}

/** A signature's title, or the title of one of its cases (`cases`, `inLibrary`) when one was applied. */
export function signatureTitle(id: string, caseId: string | null = null): string {
  const sig = signatureById(id);
  if (sig === undefined) return id;
  if (caseId !== null && sig.inLibrary?.id === caseId) return sig.inLibrary.title;
  return sig.cases?.find((c) => c.id === caseId)?.title ?? sig.title;
}
