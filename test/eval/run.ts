// `npm run eval`: leakdiff over every captured scenario, variant and form of the fixture matrix, through the
// command line and its JSON (the contract users and CI rely on), judged against the hand-written ground truth.
//
//   npm run eval                 print one line per run and the `eval:` summary
//   npm run eval -- --write      also rewrite fixtures/EVAL.md (the committed table a test keeps current)
//   npm run eval -- grpc http    only scenarios whose name contains one of the words
//
// A whole run leaves its table in node_modules/.cache/leakdiff-eval.json with a digest of everything it was made
// from; test/eval.test.ts reuses it when the digest still matches (a fresh clone, as in CI, has none).
//
// Deterministic: same captures and same leakdiff, same table (no times, no durations in it).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseFunction, judge, type Got, type Judgement } from './judge.js';
import { FORMS, filesFor, loadMatrix, type Form, type Variant } from './matrix.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const MATRIX_DIR = process.env.LEAKDIFF_MATRIX ?? join(ROOT, 'fixtures/matrix');
export const LEGACY_DIR = process.env.LEAKDIFF_MATRIX === undefined ? join(ROOT, 'fixtures') : null;
export const EVAL_MD = join(ROOT, 'fixtures/EVAL.md');
const CLI = join(ROOT, 'dist/src/cli.js');
/** The last whole evaluation and what it was made from (local only: a fresh clone has none, so CI runs it all). */
const CACHE = join(ROOT, 'node_modules/.cache/leakdiff-eval.json');

export interface Row {
  readonly variant: Variant;
  readonly form: Form;
  readonly snapshots: number;
  readonly got: Got | { error: string };
  readonly judgement: Judgement;
  /** Expected culprits (and alternatives) named in none of the run's input files. */
  readonly absent: readonly string[];
}

/** A file as searchable text (gzip undone; a profile's string table holds its names). */
function fileText(f: string): string {
  const raw = readFileSync(f);
  return (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('latin1');
}

function runCli(files: readonly string[], scratch: string, n: number): Promise<Got | { error: string }> {
  const json = join(scratch, `r${n}.json`);
  const out = join(scratch, `r${n}.md`);
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...files, '--json', json, '--out', out, '--quiet', '--no-color'], { maxBuffer: 64 << 20 }, (err, _stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      if (code !== 0 && code !== 1) {
        done({ error: stderr.trim().split('\n')[0] || `exit ${code}` });
        return;
      }
      try {
        const j = JSON.parse(readFileSync(json, 'utf8')) as {
          verdict: string;
          findings: { culprit: string | null; signature: string | null; confidence: string; kind: string }[];
        };
        done({ verdict: j.verdict, findings: j.findings.map((f) => ({ culprit: f.culprit, signature: f.signature, confidence: f.confidence, kind: f.kind })) });
      } catch (e) {
        done({ error: `unreadable JSON: ${(e as Error).message}` });
      }
    });
  });
}

/**
 * Each scenario's main capture, the one with the most rounds (the first by name on a tie): the series the
 * cuts to 4, 3 and 2 snapshots are made from. Build variants are shorter captures of the same service, and
 * their cuts would be nearly the same rounds again at twice the test time.
 */
function mainVariants(variants: readonly Variant[]): Set<Variant> {
  const best = new Map<string, Variant>();
  const rounds = (v: Variant): number => v.files.filter((f) => /^heap-\d+-.*\.pb\.gz$/.test(f)).length;
  for (const v of variants) {
    const b = best.get(v.scenario);
    if (b === undefined || rounds(v) > rounds(b)) best.set(v.scenario, v);
  }
  return new Set(best.values());
}

/** Every run of the matrix (optionally only scenarios containing one of `only`), judged, in a stable order. */
export async function runEval(only: readonly string[] = []): Promise<Row[]> {
  const variants = loadMatrix(MATRIX_DIR, LEGACY_DIR).filter((v) => only.length === 0 || only.some((w) => v.scenario.includes(w)));
  const jobs: { variant: Variant; form: Form; files: string[] }[] = [];
  const main = mainVariants(variants);
  for (const variant of variants) {
    for (const form of FORMS) {
      if (form.cut !== null && !main.has(variant)) continue;
      const files = filesFor(variant, form);
      if (files !== null) jobs.push({ variant, form, files });
    }
  }
  // Which expected culprits (base names) each file names, read once per file: forms and cuts share files.
  const named = new Map<string, Set<string>>();
  const namesIn = (f: string, v: Variant): Set<string> => {
    let got = named.get(f);
    if (got === undefined) {
      const text = fileText(f);
      got = new Set(
        v.expected.leaks
          .flatMap((l) => [l.culprit, ...l.also])
          .map(baseFunction)
          .filter((n) => text.includes(n)),
      );
      named.set(f, got);
    }
    return got;
  };
  const scratch = mkdtempSync(join(tmpdir(), 'leakdiff-eval-'));
  const rows: Row[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      const { variant, form, files } = jobs[i];
      const got = await runCli(files, scratch, i);
      const rounds = new Set(files.map((f) => /-(\d+)-[^/]*$/.exec(f)?.[1])).size;
      const inInput = (name: string): boolean => files.some((f) => namesIn(f, variant).has(name));
      const absent = variant.expected.leaks.filter((l) => ![l.culprit, ...l.also].some((n) => inInput(baseFunction(n)))).map((l) => l.culprit);
      rows[i] = { variant, form, snapshots: rounds, got, judgement: judge(variant.expected, form, got, inInput), absent };
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), 4)) }, worker));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/** The truth, and for a culprit no input file names, the answer the run can give: no culprit. */
function expectedText(r: Row): string {
  const e = r.variant.expected;
  if (e.verdict === 'no-leak') return 'no-leak';
  const culprit = (l: (typeof e.leaks)[number]): string =>
    l.fromProfiles === 'candidates'
      ? `${l.culprit} or no culprit (the profiles cannot single it out)`
      : r.absent.includes(l.culprit)
        ? `no culprit (${l.culprit} is in no input)`
        : l.culprit;
  return `leak: ${e.leaks.map((l) => `${culprit(l)} (${l.signature ?? 'no pattern'})`).join(' + ')}`;
}

function gotText(r: Row): string {
  if ('error' in r.got) return r.got.error;
  const fs = r.got.findings.filter((f) => f.confidence !== 'low');
  const low = r.got.findings.length - fs.length;
  const shown = fs.map((f) => `${f.culprit ?? 'no culprit'} (${f.signature ?? 'no pattern'}, ${f.confidence})`).join(' + ');
  return `${r.got.verdict}${shown === '' ? '' : `: ${shown}`}${low > 0 ? ` [+${low} low]` : ''}`;
}

export function summaryLine(rows: readonly Row[]): string {
  const right = rows.filter((r) => r.judgement.ok).length;
  const alarms = rows.filter((r) => r.judgement.falseAlarm).length;
  return `eval: ${right}/${rows.length} right, ${alarms} false alarm${alarms === 1 ? '' : 's'} on controls`;
}

/** fixtures/EVAL.md: the whole table, then every wrong row with what goes wrong. */
export function evalMarkdown(rows: readonly Row[]): string {
  const lines = [
    '# Evaluation over the fixture matrix',
    '',
    'Made by `npm run eval -- --write` (see `test/eval/`); `test/eval.test.ts` fails when this file is not what',
    "the current leakdiff gives. Ground truth: each scenario's hand-written `fixtures/matrix/<scenario>/expected.json`.",
    "Each variant is run in every form it was captured in; each scenario's main capture (the most rounds) is also cut",
    'to 4, 3 and 2 snapshots spread over its window. A run is right when its verdict is right and every expected leak is its own finding with the expected culprit',
    'and pattern, with no other finding at medium confidence or above; controls must be `no-leak` (cut to a few',
    'snapshots: anything but `leak`); cut to 2 snapshots a leak must not be `no-leak`. Where no input file of a run names',
    'the expected culprit or any accepted alternative, no profile could show it: the right answer is the pattern with no culprit;',
    'so it is where the truth says the profiles cannot single the culprit out (`fromProfiles: candidates`), or the culprit itself.',
    '',
    `**${summaryLine(rows)}**`,
    '',
    '| scenario | variant | form | snapshots | go | build | expected | got | right |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const v = r.variant;
    lines.push(
      `| ${v.scenario} | ${v.variant} | ${r.form.name} | ${r.snapshots} | ${v.go} | ${v.build} | ${cell(expectedText(r))} | ${cell(gotText(r))} | ${r.judgement.ok ? 'yes' : '**no**'} |`,
    );
  }
  const wrong = rows.filter((r) => !r.judgement.ok);
  lines.push('', `## Wrong rows (${wrong.length})`, '');
  if (wrong.length === 0) lines.push('None.');
  for (const r of wrong) lines.push(`- ${r.variant.scenario} / ${r.variant.variant} / ${r.form.name}: ${r.judgement.why}`);
  return lines.join('\n') + '\n';
}

/**
 * A digest of everything the table depends on: the built leakdiff and evaluation code (dist/src, dist/test/eval)
 * and every file of every variant with its ground truth. The evaluation is deterministic, so the same digest
 * means the same table.
 */
export function evalDigest(): string {
  const h = createHash('sha256');
  const add = (path: string): void => {
    h.update(`${path}\0`);
    h.update(readFileSync(path));
  };
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else add(p);
    }
  };
  walk(join(ROOT, 'dist/src'));
  walk(join(ROOT, 'dist/test/eval'));
  for (const v of loadMatrix(MATRIX_DIR, LEGACY_DIR)) {
    walk(v.dir);
    const truth = join(dirname(v.dir), 'expected.json');
    if (existsSync(truth)) add(truth);
  }
  return h.digest('hex');
}

/** The table of the last whole evaluation, when it was made from exactly what is here now; else null. */
export function cachedEvalMarkdown(): string | null {
  try {
    const c = JSON.parse(readFileSync(CACHE, 'utf8')) as { digest?: unknown; markdown?: unknown };
    return c.digest === evalDigest() && typeof c.markdown === 'string' ? c.markdown : null;
  } catch {
    return null;
  }
}

export function cacheEvalMarkdown(markdown: string): void {
  mkdirSync(dirname(CACHE), { recursive: true });
  writeFileSync(CACHE, JSON.stringify({ digest: evalDigest(), markdown }));
}

async function main(argv: readonly string[]): Promise<number> {
  const write = argv.includes('--write');
  const only = argv.filter((a) => !a.startsWith('--'));
  const rows = await runEval(only);
  if (rows.length === 0) {
    process.stderr.write(`eval: no captured scenarios under ${MATRIX_DIR}\n`);
    return 2;
  }
  for (const r of rows) {
    const v = r.variant;
    process.stdout.write(
      `${r.judgement.ok ? 'ok  ' : 'FAIL'} ${v.scenario} ${v.variant} ${r.form.name} (${r.snapshots} snapshots, ${v.go}, ${v.build}) expected ${expectedText(r)}; got ${gotText(r)}${r.judgement.ok ? '' : ` -- ${r.judgement.why}`}\n`,
    );
  }
  process.stdout.write(summaryLine(rows) + '\n');
  if (only.length === 0) cacheEvalMarkdown(evalMarkdown(rows));
  if (write) {
    if (only.length > 0) {
      process.stderr.write('eval: --write needs the whole matrix; drop the scenario words\n');
      return 2;
    }
    writeFileSync(EVAL_MD, evalMarkdown(rows));
  }
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
