// Mutated real fixtures must decode or fail with a typed error: never an uncaught exception, never a hang.
// The text forms get the damage text meets on its way (CR line ends, tabs, cuts, concatenation); hostile
// names in real series go through the whole command into every output, which must show them and obey none.
// FUZZ_CASES and NAME_CASES raise the counts (npm run fuzz runs 100,000 and more); a failing seed reproduces
// exactly.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { decode } from '../src/decode/index.js';
import { LeakdiffError } from '../src/errors.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { leakdiff, scratch } from './helpers/cli.js';
import { canaryPayload, canaryTouched, markdownProblems, PAYLOADS, shellCommands, shellWords, svgProblems } from './helpers/hostile.js';
import { mutate, mutateText, rng, seeds, type Case } from './helpers/mutate.js';
import { fixture } from './helpers/paths.js';
import { renameFunctions } from './helpers/profiles.js';

const CASES = Number(process.env.FUZZ_CASES ?? 2500);
/** Each name case runs the command twice on a real series (about a second each): a few in CI, more in npm run fuzz. */
const NAME_CASES = Number(process.env.NAME_CASES ?? (process.env.FUZZ_CASES === undefined ? 4 : 200));
/** A smaller inflate cap keeps a lucky gzip expansion from costing the suite seconds. */
const LIMITS = { ...DEFAULT_LIMITS, maxInflatedBytes: 64 << 20 };
/** The slowest single case allowed, far above the few ms a case takes. */
const MAX_MS = 3000;

// Long runs (npm run fuzz) take minutes: a few ms a case at most, never tap's default 30 s for the file.
t.setTimeout(Math.max(120_000, CASES * 10 + NAME_CASES * 40_000));

/** Decodes every case: success, or a typed one-line error naming the case. */
function fuzz(t: Test, make: (seed: number) => Case): void {
  const bad: string[] = [];
  let typed = 0;
  let decoded = 0;
  let slowest = 0;
  for (let seed = 1; seed <= CASES; seed++) {
    const c = make(seed);
    const start = performance.now();
    try {
      decode(`fuzz-${seed}`, c.bytes, LIMITS);
      decoded++;
    } catch (err) {
      if (err instanceof LeakdiffError && err.message.startsWith(`fuzz-${seed}: `) && !err.message.includes('\n')) typed++;
      else bad.push(`seed ${seed} (${c.mutation} of ${c.source}): ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    const ms = performance.now() - start;
    slowest = Math.max(slowest, ms);
    if (ms > MAX_MS) bad.push(`seed ${seed} (${c.mutation} of ${c.source}) took ${Math.round(ms)} ms`);
  }
  t.same(bad.slice(0, 20), [], `no crash, no untyped error, no slow case (${decoded} decoded, ${typed} typed errors, slowest ${Math.round(slowest)} ms)`);
  // Mutations that never decode (or never fail) would test only one path: both must be reached.
  t.ok(decoded > 0 && typed > 0, `both paths reached: ${decoded} decoded, ${typed} rejected`);
}

t.test(`${CASES} mutated fixtures: success or a typed error`, async (t) => {
  const corpus = seeds();
  t.ok(corpus.length >= 10, 'a corpus of every form, raw and gzipped');
  fuzz(t, (seed) => mutate(corpus, seed));
});

t.test(`${CASES} text forms as they arrive (CR, CRLF, tabs, cuts, concatenation): success or a typed error`, async (t) => {
  const corpus = seeds();
  t.ok(corpus.filter((s) => s.name.endsWith('.txt')).length >= 6, 'heap debug=1, goroutine debug=1 and debug=2 text of two programs');
  fuzz(t, (seed) => mutateText(corpus, seed));
});

/** Pieces a hostile name is made of: every context's breakers, plus code points that hide or reorder text. */
const PIECES: readonly string[] = [
  ...PAYLOADS,
  '\u202e',
  '\u200b',
  '\ufeff',
  '\u0000',
  '\u0085',
  '\ud83d\ude00',
  '\\n',
  '$HOME',
  '${IFS}',
  '; rm -rf x',
  '&&',
  '>x',
  '<(x)',
  "'\"'\"'",
  '%s%n',
  '..',
  '/',
  '#',
  '> quote',
  '1. ',
  '[^1]',
  '<details>',
  '&#x3C;',
];

/** A seeded hostile name piece: one to four pieces, sometimes around a canary command. */
function hostileSuffix(seed: number, canary: string): string {
  const r = rng(seed * 7919);
  const n = 1 + Math.floor(r() * 4);
  const parts = Array.from({ length: n }, () => PIECES[Math.floor(r() * PIECES.length)]);
  if (r() < 0.3) parts.splice(Math.floor(r() * parts.length), 0, canaryPayload(canary));
  return parts.join('');
}

/**
 * A real series with hostile names: map-leak's protobufs with the culprit (`Remember`) and its file renamed,
 * or worker-leak's goroutine dumps and heap text with the culprit's name rewritten in the text (where a
 * newline in a name ends its line, as it would in a real dump, and the text may no longer read).
 */
function hostileSeries(dir: string, suffix: string, text: boolean): string {
  const out = join(dir, 'snaps');
  mkdirSync(out);
  if (!text) {
    for (const f of readdirSync(fixture('map-leak')).filter((n) => n.endsWith('.pb.gz'))) {
      const bytes = renameFunctions(
        readFileSync(fixture('map-leak', f)),
        (fn) => (fn.includes('Remember') ? `${fn}${suffix}` : fn),
        (file, fn) => (fn.includes('Remember') ? `${file.replace(/\.go$/, '')}${suffix}.go` : file),
      );
      writeFileSync(join(out, f.replace(/\.gz$/, '')), bytes);
    }
    return out;
  }
  for (const f of readdirSync(fixture('worker-leak')).filter((n) => /^(goroutine-.*\.debug2|heap-.*\.debug1)\.txt$/.test(n))) {
    const body = readFileSync(fixture('worker-leak', f), 'utf8').split('main.(*indexer).submit').join(`main.(*indexer).submit${suffix}`);
    writeFileSync(join(out, f), body);
  }
  return out;
}

/** What is wrong with one run of the command: its exit and its stderr. */
function runProblems(r: { code: number | null; stderr: string }): string[] {
  const out: string[] = [];
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) out.push(`exit ${r.code}`);
  if (/internal error|\n\s+at |^\s+at /m.test(r.stderr)) out.push(`a stack trace: ${JSON.stringify(r.stderr.slice(0, 200))}`);
  if (r.code === 2 && r.stderr.trim().split('\n').length !== 1) out.push(`exit 2 with ${r.stderr.trim().split('\n').length} stderr lines`);
  if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.test(r.stderr.replace(/\r\x1b\[K/g, ''))) out.push('a control character on stderr');
  return out;
}

/** Tables whose rows have another number of cells than their header: a `|` in a name split a cell. */
function tableProblems(html: string): string[] {
  const out: string[] = [];
  for (const table of html.match(/<table>[\s\S]*?<\/table>/g) ?? []) {
    const rows = table.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
    const cells = rows.map((row) => (row.match(/<t[hd][ >]/g) ?? []).length);
    if (cells.some((n) => n !== cells[0])) out.push(`a table with rows of ${[...new Set(cells)].join(' and ')} cells`);
  }
  return out;
}

t.test(`${NAME_CASES} hostile names in real series: every output shows them, none obeys them`, async (t) => {
  const dir = scratch(t);
  const canary = join(dir, 'CANARY');
  const { Marked } = await import('marked');
  const headings = (md: string): number => (new Marked({ gfm: true }).parse(md, { async: false }).match(/<h[1-6]/g) ?? []).length;
  const benign = [false, true].map((text) => {
    const d = join(dir, `benign-${text ? 'text' : 'pprof'}`);
    mkdirSync(d);
    const r = leakdiff([hostileSeries(d, 'Plain', text), '--out', join(d, 'r.md'), '--quiet']);
    t.equal(r.code, 1, `the ${text ? 'text' : 'protobuf'} series leaks with plain names (${r.stderr.trim()})`);
    return headings(readFileSync(join(d, 'r.md'), 'utf8'));
  });
  const bad: string[] = [];
  const refusals: string[] = [];
  let analyzed = 0;
  for (let seed = 1; seed <= NAME_CASES; seed++) {
    const text = seed % 2 === 0;
    const suffix = hostileSuffix(seed, canary);
    const d = join(dir, `case-${seed}`);
    mkdirSync(d);
    const snaps = hostileSeries(d, suffix, text);
    const before = readdirSync(snaps).map((f) => readFileSync(join(snaps, f)));
    const r = leakdiff([snaps, '--out', join(d, 'r.md'), '--json', join(d, 'r.json')]);
    const tty = leakdiff([snaps, '--out', '-', '--quiet'], { FORCE_COLOR: '1', NO_COLOR: '' });
    const problems = [...runProblems(r), ...runProblems(tty)];
    if (r.code !== 2) {
      analyzed++;
      const md = readFileSync(join(d, 'r.md'), 'utf8');
      const html = new Marked({ gfm: true }).parse(md, { async: false });
      problems.push(...markdownProblems(md, benign[text ? 1 : 0]), ...tableProblems(html));
      if (readdirSync(d).includes('r.svg')) problems.push(...svgProblems(readFileSync(join(d, 'r.svg'), 'utf8')));
      JSON.parse(readFileSync(join(d, 'r.json'), 'utf8'));
      // The terminal view may colour (SGR) and link (OSC 8); nothing else may reach the terminal.
      const shown = tty.stdout.replace(/\x1b\[[0-9;]*m/g, '').replace(/\x1b\]8;;[^\x07\x1b]*(\x07|\x1b\\)/g, '');
      if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.test(shown))
        problems.push(`a control character in the terminal view: ${JSON.stringify(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.exec(shown)?.[0])}`);
      for (const c of shellCommands(md)) {
        const words = shellWords(c);
        if (words.length < 2) problems.push(`a command that reads as ${words.length} words`);
        const regex = words.find((w) => w.startsWith('^'));
        if (regex !== undefined && !(regex.endsWith('$') && !/(?<!\\)[()*|]/.test(regex.slice(1, -1))))
          problems.push(`a regex word with a bare metacharacter: ${JSON.stringify(regex)}`);
      }
    }
    if (r.code === 2) refusals.push(`seed ${seed}: ${r.stderr.trim()}`);
    if (canaryTouched(canary)) problems.push('the canary command ran');
    if (!readdirSync(snaps).every((f, i) => readFileSync(join(snaps, f)).equals(before[i]))) problems.push('an input changed');
    for (const p of problems) bad.push(`seed ${seed} (${text ? 'text' : 'protobuf'}, suffix ${JSON.stringify(suffix)}): ${p}`);
  }
  t.same(bad.slice(0, 20), [], `no name obeyed, no crash (${analyzed} of ${NAME_CASES} analyzed, the rest refused in one line)`);
  t.ok(analyzed > 0, 'names reached the outputs');
  // A name with a newline cuts its text line, as it would in a real dump: refused in one line, listed here.
  for (const line of refusals) t.comment(line);
});
