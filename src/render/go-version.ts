// The Go versions the series allows, in words, for the report's Method: what a version-aware pattern took
// into account.

import type { GoVersionRange, VersionClue } from '../normalize/go-version.js';

const WHAT: Readonly<Record<VersionClue['kind'], string>> = {
  'swiss-maps': 'Swiss-table map frames (internal/runtime/maps)',
  'internal-runtime': 'internal/runtime packages',
  'runtime-internal': 'runtime/internal packages',
  'created-in-goroutine': '"created by … in goroutine N" in dumps',
  'created-without-goroutine': '"created by" lines without "in goroutine N"',
  'gowrap-closure': 'gowrap/deferwrap closure names',
  'timers-1.23': "Go 1.23's timer frames",
  'timers-before-1.23': 'timer frames from before Go 1.23',
  coroutines: 'runtime coroutine frames (iter.Pull)',
  'goroutineleak-profile': 'a goroutineleak profile',
  'leaked-wait-state': '"(leaked)" wait states',
  'goroot-path': 'a GOROOT path that names its release',
};

export function goVersionSentence(r: GoVersionRange): string {
  if (r.clues.length === 0) return 'Go version: nothing in the profiles tells.';
  const why = r.clues.map((c) => WHAT[c.kind]).join('; ');
  if (r.conflict) return `Go version: the clues disagree (${why}): the snapshots may come from builds of different Go versions.`;
  const range =
    r.min !== null && r.max !== null
      ? r.min === r.max
        ? `Go 1.${r.min}`
        : `Go 1.${r.min} to 1.${r.max}`
      : r.min !== null
        ? `Go 1.${r.min} or later`
        : `Go 1.${r.max} or earlier`;
  return `Go version: ${range}, from ${why}.`;
}
