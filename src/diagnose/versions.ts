// What the Go release range the frames imply (normalize/go-version.ts) changes about a matched pattern: the
// caveats of its signature that the range allows, and whether the range lies outside every release the
// pattern was checked on. Typed steps; explain words them.

import type { GoMinor, GoVersionRange } from '../normalize/go-version.js';
import type { Signature } from '../patterns/index.js';
import type { Step } from './model.js';

/** The Go minor of a release string (`1.26.8` is 26), or null. */
export function goMinorOf(release: string): GoMinor | null {
  const m = /^(?:go)?1\.(\d+)/.exec(release);
  return m === null ? null : Number(m[1]);
}

/** True when every release in `r` lies in [min, max] (null bounds are open). */
function inside(r: GoVersionRange, min: GoMinor | null, max: GoMinor | null): boolean {
  return (min === null || (r.min !== null && r.min >= min)) && (max === null || (r.max !== null && r.max <= max));
}

/** True when no release in `r` lies in [min, max]. */
function outside(r: GoVersionRange, min: GoMinor | null, max: GoMinor | null): boolean {
  return (min !== null && r.max !== null && r.max < min) || (max !== null && r.min !== null && r.min > max);
}

/**
 * The version steps of a finding matched to `signature`: one per caveat the series' range allows (certain
 * when the whole range is inside the caveat's, possible when it only overlaps), and `not-checked-on` when the
 * range lies wholly beyond the releases the signature was captured on. None for a range of mixed releases.
 */
export function versionSteps(range: GoVersionRange, signature: Signature | null): Step[] {
  if (signature === null || range.conflict) return [];
  const span = { signature: signature.id, min: range.min, max: range.max };
  const steps: Step[] = [];
  for (const c of signature.caveats) {
    if (outside(range, c.goMin, c.goMax)) continue;
    steps.push({ kind: 'go-version', caveat: c.id, certain: inside(range, c.goMin, c.goMax), ...span });
  }
  const checked = signature.capturedOn.map((c) => goMinorOf(c.go)).filter((m): m is GoMinor => m !== null);
  if (checked.length > 0 && outside(range, Math.min(...checked), Math.max(...checked))) {
    steps.push({ kind: 'go-version', caveat: 'not-checked-on', certain: true, ...span });
  }
  return steps;
}
