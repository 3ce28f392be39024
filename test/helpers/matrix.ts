// One capture of the fixture matrix, analysed as a user would run it on a selection of its files: the
// protobuf heap and goroutine snapshots by default, optionally cut to `cut` rounds spread over the capture
// (as `npm run eval` cuts them).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/commands/analyze.js';
import type { Analysis } from '../../src/explain/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { fixture } from './paths.js';

export const PB = [/^heap-\d+-.*\.pb\.gz$/, /^goroutine-\d+-.*\.pb\.gz$/];

const roundOf = (f: string): number => Number(/^[a-z]+-(\d+)-/.exec(f)?.[1]);

export function runCapture(scenario: string, variant: string, options: { patterns?: readonly RegExp[]; cut?: number | null } = {}): Analysis {
  const dir = fixture('matrix', scenario, variant);
  const patterns = options.patterns ?? PB;
  const cut = options.cut ?? null;
  let files = readdirSync(dir).filter((f) => patterns.some((p) => p.test(f)));
  if (cut !== null) {
    const rounds = [...new Set(files.map(roundOf))].sort((a, b) => a - b);
    const keep = new Set(Array.from({ length: cut }, (_, i) => rounds[Math.round((i * (rounds.length - 1)) / (cut - 1))]));
    files = files.filter((f) => keep.has(roundOf(f)));
  }
  return analyze({ files: files.map((f) => join(dir, f)), intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
}
