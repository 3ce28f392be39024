// One command from capture to verdict, through the built CLI in a child process against a real HTTP server
// on loopback serving the grpc-leak captures: every analysis option after `collect --analyze` and with a URL
// given to `analyze`, option errors before any request, and Ctrl-C as a real SIGINT (exit 130 keeping every
// complete snapshot; with --analyze, the rounds that completed analyzed and said to be interrupted).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { scratch } from './helpers/cli.js';
import { CLI, fixture } from './helpers/paths.js';
import { PprofServer } from './helpers/pprof-server.js';

const HEAP = '/debug/pprof/heap';
const GOROUTINE = '/debug/pprof/goroutine';
const fixtures = (re: RegExp): Buffer[] =>
  readdirSync(fixture('grpc-leak'))
    .filter((f) => re.test(f))
    .sort()
    .map((f) => readFileSync(fixture('grpc-leak', f)));
const BODIES = new Map<string, Buffer[]>([
  [HEAP, fixtures(/^heap-\d+-\d{8}T\d{6}Z\.pb\.gz$/)],
  [GOROUTINE, fixtures(/^goroutine-\d+-\d{8}T\d{6}Z\.pb\.gz$/)],
]);

interface Child {
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  readonly kill: (signal: NodeJS.Signals) => void;
  /** Resolves when stderr so far matches. */
  readonly stderrMatches: (re: RegExp) => Promise<void>;
}

/** The CLI as a user runs it, asynchronously, so the server in this process keeps answering. */
function run(args: readonly string[], cwd: string): Child {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', GITHUB_ACTIONS: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const stderrMatches = (re: RegExp): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!re.test(stderr)) return;
        child.stderr.off('data', check);
        resolve();
      };
      child.stderr.on('data', check);
      check();
    });
  return { done, kill: (s) => void child.kill(s), stderrMatches };
}

/** Resolves once `dir` holds `n` saved snapshots (temporary files do not count). */
async function saved(dir: string, n: number): Promise<string[]> {
  for (let i = 0; i < 600; i++) {
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => !f.endsWith('.tmp')) : [];
    if (files.length >= n) return files;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${dir}: fewer than ${n} snapshots after 30 s`);
}

const wholeSnapshots = (dir: string): string[] => readdirSync(dir).filter((f) => /^(heap|goroutine)-\d+-\d{8}T\d{6}Z\.pb\.gz$/.test(f));

t.test('collect --analyze takes every analysis option; analyze URL collects, then analyzes', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const cwd = scratch(t);
  const args = [
    '--every',
    '1s',
    '--count',
    '3',
    '--json',
    '-',
    '--out',
    join(cwd, 'r.md'),
    '--fail-on',
    'high',
    '--max-heap-growth',
    '5MiB/h',
    '--max-goroutine-growth',
    '100/h',
    '--limit',
    '2GiB',
    '--redact',
    '--granularity',
    'functions',
    '-q',
  ];
  const a = await run(['collect', server.url, '--analyze', '--dir', join(cwd, 'a'), ...args], cwd).done;
  t.equal(a.stderr, '', '-q: nothing on stderr');
  const ja = JSON.parse(a.stdout) as { gates: { name: string; passed: boolean }[]; collection: { rounds: number; interrupted: boolean } };
  t.same(
    ja.gates.map((g) => g.name),
    ['max-heap-growth', 'max-goroutine-growth', 'fail-on'],
    'the gates asked for',
  );
  t.equal(a.code, ja.gates.some((g) => !g.passed) ? 1 : 0, 'the exit code follows the gates');
  t.same(ja.collection, { dir: join(cwd, 'a'), rounds: 3, of: 3, interrupted: false });
  t.equal(wholeSnapshots(join(cwd, 'a')).length, 6);
  t.ok(existsSync(join(cwd, 'r.md')), '--out after --analyze is the report');
  const b = await run(['analyze', server.url, '--dir', join(cwd, 'b'), ...args.map((x) => (x === '3' ? '2' : x))], cwd).done;
  t.ok(b.code === 0 || b.code === 1, b.stderr);
  t.equal((JSON.parse(b.stdout) as { collection: { rounds: number } }).collection.rounds, 2, 'analyze URL: collected, then analyzed');
  t.equal(wholeSnapshots(join(cwd, 'b')).length, 4);
});

t.test('a bad analysis option with a URL is a usage error before any request', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const cwd = scratch(t);
  for (const bad of [
    ['--max-heap-growth', 'fast'],
    ['--fail-on', 'sometimes'],
    ['--every', 'often'],
  ]) {
    const r = await run(['collect', server.url, '--analyze', '--count', '2', ...bad], cwd).done;
    t.equal(r.code, 2, `${bad.join(' ')}: exit 2`);
    t.match(r.stderr, new RegExp(`^leakdiff: usage: ${bad[0]}`), bad.join(' '));
  }
  const stray = await run(['collect', server.url, '--json', 'r.json'], cwd).done;
  t.equal(stray.code, 2);
  t.match(stray.stderr, /--json applies to the analysis: add --analyze/);
  const files = await run(['analyze', fixture('grpc-leak'), '--every', '30s'], cwd).done;
  t.equal(files.code, 2);
  t.match(files.stderr, /--every applies when collecting: give a URL/);
  t.equal(server.seen.length, 0, 'no request was sent');
});

t.test('Ctrl-C during collect: exit 130, every complete snapshot kept', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const cwd = scratch(t);
  const dir = join(cwd, 'snaps');
  const c = run(['collect', server.url, '--every', '1s', '--count', '8', '--dir', dir], cwd);
  await saved(dir, 4);
  c.kill('SIGINT');
  const r = await c.done;
  t.equal(r.code, 130, r.stderr);
  t.match(r.stderr, /interrupted; saved \d+ files, \d+ of 8 rounds complete/);
  t.same(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary files',
  );
  t.ok(wholeSnapshots(dir).length >= 4);
});

t.test('Ctrl-C during collect --analyze: the complete rounds analyzed, and said to be interrupted', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const cwd = scratch(t);
  const dir = join(cwd, 'snaps');
  const c = run(['collect', server.url, '--analyze', '--every', '1s', '--count', '8', '--dir', dir, '--json', join(cwd, 'r.json'), '--out', '-'], cwd);
  await saved(dir, 6);
  c.kill('SIGINT');
  const r = await c.done;
  t.ok(r.code === 0 || r.code === 1, `the analysis decides the exit code (${r.code}: ${r.stderr})`);
  t.match(r.stderr, /leakdiff: interrupted after [3-8] of 8 rounds; analyzing those/);
  t.match(r.stdout, /collection was interrupted \(Ctrl-C\) after [3-8] of 8 rounds/, 'the report says so');
  const j = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { verdict: string; collection: { interrupted: boolean; rounds: number; of: number } };
  t.equal(r.code, j.verdict === 'leak' ? 1 : 0, `exit code of the verdict (${j.verdict})`);
  t.equal(j.collection.interrupted, true);
  t.equal(j.collection.of, 8);
  t.ok(j.collection.rounds >= 3 && j.collection.rounds < 8, `${j.collection.rounds} rounds`);
});

t.test('a second Ctrl-C stops at once: exit 130, the complete snapshots kept, no report', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const cwd = scratch(t);
  const dir = join(cwd, 'snaps');
  const c = run(['collect', server.url, '--analyze', '--every', '1s', '--count', '8', '--dir', dir, '--out', join(cwd, 'r.md')], cwd);
  await saved(dir, 4);
  c.kill('SIGINT');
  // The second as soon as the analysis starts: it reads a file per turn of the event loop, so it stops there.
  await c.stderrMatches(/analyzing those/);
  c.kill('SIGINT');
  const r = await c.done;
  t.equal(r.code, 130, r.stderr);
  t.match(r.stderr, /interrupted again; stopped at once, the complete snapshots are kept/);
  t.notOk(existsSync(join(cwd, 'r.md')), 'no report: the run was stopped');
  t.same(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary files',
  );
  t.ok(wholeSnapshots(dir).length >= 4, 'the complete snapshots are kept');
});

t.test('SIGTERM during collect: exit 143, saying what was kept; with --analyze too (TERM asks for an end)', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const cwd = scratch(t);
  for (const analyze of [false, true]) {
    const dir = join(cwd, `snaps-${analyze}`);
    const c = run(['collect', server.url, ...(analyze ? ['--analyze', '--out', join(cwd, 'r.md')] : []), '--every', '1s', '--count', '8', '--dir', dir], cwd);
    await saved(dir, 4);
    c.kill('SIGTERM');
    const r = await c.done;
    t.equal(r.code, 143, `${analyze ? 'with' : 'without'} --analyze: ${r.stderr}`);
    t.match(r.stderr, /leakdiff: terminated \(SIGTERM\) after \d of 8 rounds; \d+ complete snapshot files kept in /);
    t.same(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary files',
    );
    t.notOk(existsSync(join(cwd, 'r.md')), 'no report');
  }
});
