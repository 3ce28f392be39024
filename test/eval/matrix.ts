// The fixture matrix as data: every captured scenario variant under fixtures/matrix/, its hand-written ground
// truth (expected.json, written before leakdiff ran on it) and the runs the evaluation makes of it: one per
// input form, plus (for each scenario's main capture) the series cut to 4, 3 and 2 snapshots spread over its
// window (`leakdiff snap1 snap2 snap3`).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type ExpectedKind = 'goroutine-and-heap' | 'goroutine-leak' | 'heap-growth';

export interface ExpectedLeak {
  readonly kind: ExpectedKind;
  readonly signature: string | null;
  readonly culprit: string;
  readonly also: readonly string[];
  /**
   * `candidates` where the truth says the profiles cannot single the culprit out (sql-rows-unclosed: the pool
   * puts the bytes under the busiest caller): the pattern with no culprit named is then right too; naming any
   * other function is not. Default `culprit`.
   */
  readonly fromProfiles: 'culprit' | 'candidates';
}

export interface Expected {
  readonly verdict: 'leak' | 'no-leak';
  readonly leaks: readonly ExpectedLeak[];
  readonly bounded: readonly string[];
}

export interface Variant {
  readonly scenario: string;
  readonly variant: string;
  readonly dir: string;
  /** `go1.26.8` and the like, from capture.json. */
  readonly go: string;
  /** The build as the variant name spells it after the Go version: `mod`, `cmd-trimpath`, `gopath`. */
  readonly build: string;
  readonly expected: Expected;
  readonly files: readonly string[];
}

/** How the files of one run are chosen from a variant's directory. */
export interface Form {
  readonly name: string;
  /** File name patterns whose files make the run; every pattern must match at least one file. */
  readonly patterns: readonly RegExp[];
  /** Keep only this many rounds, spread evenly from the first to the last; null keeps all. */
  readonly cut: number | null;
}

const PB_HEAP = /^heap-\d+-.*\.pb\.gz$/;
const PB_GOROUTINE = /^goroutine-\d+-.*\.pb\.gz$/;

export const FORMS: readonly Form[] = [
  { name: 'pb', patterns: [PB_HEAP, PB_GOROUTINE], cut: null },
  { name: 'debug1', patterns: [/^heap-\d+-.*\.debug1\.txt(\.gz)?$/, /^goroutine-\d+-.*\.debug1\.txt(\.gz)?$/], cut: null },
  { name: 'pb+debug2', patterns: [PB_HEAP, /^goroutine-\d+-.*\.debug2\.txt(\.gz)?$/], cut: null },
  { name: 'pb+leakprof', patterns: [PB_HEAP, PB_GOROUTINE, /^goroutineleak-\d+-.*\.pb\.gz$/], cut: null },
  { name: 'pb cut 4', patterns: [PB_HEAP, PB_GOROUTINE], cut: 4 },
  { name: 'pb cut 3', patterns: [PB_HEAP, PB_GOROUTINE], cut: 3 },
  { name: 'pb cut 2', patterns: [PB_HEAP, PB_GOROUTINE], cut: 2 },
];

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function asExpected(raw: unknown, where: string): Expected {
  const o = raw as { verdict?: unknown; leaks?: unknown; bounded?: unknown };
  if (o.verdict !== 'leak' && o.verdict !== 'no-leak') throw new Error(`${where}: verdict must be "leak" or "no-leak"`);
  if (!Array.isArray(o.leaks)) throw new Error(`${where}: leaks must be a list`);
  const leaks = o.leaks.map((l: { kind?: unknown; signature?: unknown; culprit?: unknown; also?: unknown; fromProfiles?: unknown }, i: number) => {
    if (typeof l.culprit !== 'string') throw new Error(`${where}: leaks[${i}].culprit must be a function name`);
    if (l.fromProfiles !== undefined && l.fromProfiles !== 'culprit' && l.fromProfiles !== 'candidates')
      throw new Error(`${where}: leaks[${i}].fromProfiles must be "culprit" or "candidates"`);
    return {
      kind: l.kind as ExpectedKind,
      signature: typeof l.signature === 'string' ? l.signature : null,
      culprit: l.culprit,
      also: Array.isArray(l.also) ? l.also.filter((a): a is string => typeof a === 'string') : [],
      fromProfiles: l.fromProfiles === 'candidates' ? ('candidates' as const) : ('culprit' as const),
    };
  });
  if ((o.verdict === 'leak') !== leaks.length > 0) throw new Error(`${where}: a leak verdict needs leaks, a no-leak verdict none`);
  return { verdict: o.verdict, leaks, bounded: Array.isArray(o.bounded) ? o.bounded.filter((b): b is string => typeof b === 'string') : [] };
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function variantAt(scenario: string, variant: string, dir: string, base: unknown): Variant {
  const override = join(dir, 'expected.json');
  const expected = asExpected(existsSync(override) ? readJson(override) : base, `${scenario}/${variant}/expected.json`);
  const capture = readJson(join(dir, 'capture.json')) as { go?: unknown; variant?: unknown };
  const goText = typeof capture.go === 'string' ? capture.go : '';
  const go = /go1\.\d+(\.\d+)?/.exec(goText)?.[0] ?? variant.split('-')[0];
  const files = readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort(byName);
  return { scenario, variant, dir, go, build: variant.split('-').slice(1).join('-'), expected, files };
}

/**
 * Every captured variant under `root` (fixtures/matrix: <scenario>/<variant>/), in name order, then the first
 * round's fixtures directly under `legacyRoot` (fixtures/<scenario>/ holding expected.json and capture.json
 * beside the snapshots: one variant each, named by capture.json). [] when there is neither.
 */
export function loadMatrix(root: string, legacyRoot: string | null = null): Variant[] {
  const out: Variant[] = [];
  if (existsSync(root)) {
    for (const scenario of readdirSync(root).sort(byName)) {
      const sdir = join(root, scenario);
      if (!statSync(sdir).isDirectory() || !existsSync(join(sdir, 'expected.json'))) continue;
      const base = readJson(join(sdir, 'expected.json'));
      for (const variant of readdirSync(sdir).sort(byName)) {
        const dir = join(sdir, variant);
        if (statSync(dir).isDirectory() && existsSync(join(dir, 'capture.json'))) out.push(variantAt(scenario, variant, dir, base));
      }
    }
  }
  if (legacyRoot !== null && existsSync(legacyRoot)) {
    for (const scenario of readdirSync(legacyRoot).sort(byName)) {
      const dir = join(legacyRoot, scenario);
      if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'expected.json')) || !existsSync(join(dir, 'capture.json'))) continue;
      const capture = readJson(join(dir, 'capture.json')) as { variant?: unknown };
      out.push(variantAt(scenario, typeof capture.variant === 'string' ? capture.variant : 'legacy', dir, readJson(join(dir, 'expected.json'))));
    }
  }
  return out;
}

const roundOf = (file: string): number => Number(/^[a-z]+-(\d+)-/.exec(file)?.[1] ?? NaN);

/** The files of one run, or null when the variant was not captured in that form. */
export function filesFor(v: Variant, form: Form): string[] | null {
  const groups = form.patterns.map((p) => v.files.filter((f) => p.test(f)));
  if (groups.some((g) => g.length === 0)) return null;
  let files = groups.flat();
  if (form.cut !== null) {
    const rounds = [...new Set(files.map(roundOf))].sort((a, b) => a - b);
    if (rounds.length <= form.cut) return null;
    const keep = new Set(Array.from({ length: form.cut }, (_, i) => rounds[Math.round((i * (rounds.length - 1)) / (form.cut! - 1))]));
    files = files.filter((f) => keep.has(roundOf(f)));
  }
  return files.map((f) => join(v.dir, f));
}
