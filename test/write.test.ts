// Outputs under hostile and unlucky conditions, through the real command: an output that reaches an input
// through any alias (symlinked directory, file or working directory, hard link, the job summary), outputs
// that collide, a directory as an output, devices and FIFOs (written, never replaced), a full device, a
// closed pipe. Each refused run exits 2 with one stderr line, and every file is as it was, with no
// temporary file left behind.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { scratch } from './helpers/cli.js';
import { CLI, fixture } from './helpers/paths.js';
import { tree } from './helpers/tree.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}, extra: { uid?: number; gid?: number } = {}): Run {
  // As another user, without NODE_OPTIONS: tap's process hooks (which add it to every spawn) would write into
  // the repository as that user and fail.
  const [cmd, pre] = extra.uid === undefined ? [process.execPath, []] : ['env', ['-u', 'NODE_OPTIONS', process.execPath]];
  const r = spawnSync(cmd, [...pre, CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env },
    timeout: 120_000,
    ...extra,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of a small real series in a scratch directory: the snapshots we must never touch. */
function series(t: Test): { dir: string; snaps: string; files: string[] } {
  const dir = scratch(t);
  const snaps = join(dir, 'snaps');
  mkdirSync(snaps);
  const files = readdirSync(fixture('map-leak'))
    .filter((f) => f.endsWith('.pb.gz'))
    .sort();
  for (const f of files) copyFileSync(fixture('map-leak', f), join(snaps, f));
  return { dir, snaps, files };
}

/** Exit 2, one line matching, nothing changed or left behind. */
function refused(t: Test, r: Run, dir: string, before: Record<string, string>, message: RegExp): void {
  t.equal(r.code, 2, `exit 2 (${r.stderr.trim()})`);
  const lines = r.stderr.trim().split('\n');
  t.equal(lines.length, 1, 'one stderr line');
  t.match(lines[0], message);
  t.notMatch(r.stderr, /internal error|\s+at /, 'no stack trace');
  t.same(tree(dir), before, 'every file as it was, nothing left behind');
}

interface Alias {
  readonly name: string;
  readonly setup: (s: { dir: string; snaps: string; first: string }) => { args: string[]; cwd?: string; env?: Record<string, string> };
  readonly message: RegExp;
}

const ALIASES: readonly Alias[] = [
  {
    name: '--out through a symlinked directory',
    setup: ({ dir, snaps, first }) => (symlinkSync(snaps, join(dir, 'link')), { args: [snaps, '--out', join(dir, 'link', first)] }),
    message: /--out is one of the input snapshots/,
  },
  {
    name: '--out as a symlink to an input',
    setup: ({ dir, snaps, first }) => (symlinkSync(join(snaps, first), join(dir, 'r.md')), { args: [snaps, '--out', join(dir, 'r.md')] }),
    message: /--out is one of the input snapshots/,
  },
  {
    name: '--out as a hard link to an input',
    setup: ({ dir, snaps, first }) => (linkSync(join(snaps, first), join(dir, 'r.md')), { args: [snaps, '--out', join(dir, 'r.md')] }),
    message: /--out is one of the input snapshots/,
  },
  {
    name: '--out relative to a symlinked working directory',
    setup: ({ dir, snaps, first }) => (symlinkSync(snaps, join(dir, 'cwd')), { args: [snaps, '--out', first], cwd: join(dir, 'cwd') }),
    message: /--out is one of the input snapshots/,
  },
  {
    name: 'the chart beside --out is an input',
    setup: ({ dir, snaps, first }) => (copyFileSync(join(snaps, first), join(dir, 'h.svg')), { args: [snaps, join(dir, 'h.svg'), '--out', join(dir, 'h.md')] }),
    message: /h\.svg: write: the chart beside the report is one of the input snapshots/,
  },
  {
    name: '--json through a symlinked directory',
    setup: ({ dir, snaps, first }) => (
      symlinkSync(snaps, join(dir, 'link')),
      { args: [snaps, '--out', join(dir, 'r.md'), '--json', join(dir, 'link', first)] }
    ),
    message: /--json is one of the input snapshots/,
  },
  {
    name: '--json is the --baseline',
    setup: ({ dir, snaps }) => (
      writeFileSync(join(dir, 'b.json'), '{"schemaVersion":1,"findings":[]}'),
      { args: [snaps, '--out', join(dir, 'r.md'), '--baseline', join(dir, 'b.json'), '--json', join(dir, '.', 'b.json')] }
    ),
    message: /--json is the --baseline/,
  },
  {
    name: 'GITHUB_STEP_SUMMARY is an input (through a symlink)',
    setup: ({ dir, snaps, first }) => (
      symlinkSync(join(snaps, first), join(dir, 'summary')),
      { args: [snaps, '--out', join(dir, 'r.md')], env: { GITHUB_STEP_SUMMARY: join(dir, 'summary') } }
    ),
    message: /GITHUB_STEP_SUMMARY is one of the input snapshots/,
  },
  {
    name: '--json equal to --out',
    setup: ({ dir, snaps }) => ({ args: [snaps, '--out', join(dir, 'r.md'), '--json', join(dir, 'r.md')] }),
    message: /--json and --out name the same file/,
  },
  {
    name: '--json equal to the chart',
    setup: ({ dir, snaps }) => ({ args: [snaps, '--out', join(dir, 'r.md'), '--json', join(dir, 'r.svg')] }),
    message: /--json and the chart beside the report name the same file/,
  },
  {
    name: 'GITHUB_STEP_SUMMARY is the report',
    setup: ({ dir, snaps }) => ({ args: [snaps, '--out', join(dir, 'r.md')], env: { GITHUB_STEP_SUMMARY: join(dir, 'r.md') } }),
    message: /GITHUB_STEP_SUMMARY and --out name the same file/,
  },
  {
    name: '--json names a directory',
    setup: ({ dir, snaps }) => (mkdirSync(join(dir, 'out')), { args: [snaps, '--out', join(dir, 'r.md'), '--json', join(dir, 'out')] }),
    message: /--json is a directory; give a file name/,
  },
  {
    name: '--out in a missing directory',
    setup: ({ dir, snaps }) => ({ args: [snaps, '--out', join(dir, 'nope', 'r.md')] }),
    message: /the directory .*nope does not exist/,
  },
  {
    name: '--out over a Go file of the --source checkout',
    setup: ({ dir, snaps }) => (
      mkdirSync(join(dir, 'src')),
      writeFileSync(join(dir, 'src', 'main.go'), 'package main\n'),
      { args: [snaps, '--source', join(dir, 'src'), '--out', join(dir, 'src', 'main.go')] }
    ),
    message: /--out is a source file of the --source checkout/,
  },
];

t.test('an output reaching an input, or another output, by any alias is refused before any work', async (t) => {
  for (const a of ALIASES) {
    await t.test(a.name, async (t) => {
      const { dir, snaps, files } = series(t);
      const { args, cwd, env } = a.setup({ dir, snaps, first: files[0] });
      const before = tree(dir);
      refused(t, run(args, cwd ?? dir, env), dir, before, a.message);
    });
  }
});

t.test('a FIFO and a device are written to, never replaced; the chart is not put beside them', async (t) => {
  const { dir, snaps } = series(t);
  const fifo = join(dir, 'result.fifo');
  t.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const reader = spawn('sh', ['-c', `cat ${fifo} > ${join(dir, 'got.json')}`]);
  const readerDone = new Promise((done) => reader.on('exit', done));
  const r = run([snaps, '--out', join(dir, 'r.md'), '--json', fifo, '--quiet'], dir);
  await readerDone;
  t.equal(r.code, 1, r.stderr);
  t.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
  t.equal((JSON.parse(readFileSync(join(dir, 'got.json'), 'utf8')) as { schemaVersion: number }).schemaVersion, 1, 'the reader got the JSON');
  t.notOk(
    readdirSync(dir).some((f) => f.endsWith('.tmp')),
    'no temporary file',
  );

  // A null device of our own (root only): the same node as /dev/null, in a place of our own. The machine's
  // /dev/null is not used: other processes on a shared machine may replace it, and a regression here would
  // break every shell on it.
  const dev = join(dir, 'null');
  if (spawnSync('mknod', ['-m', '666', dev, 'c', '1', '3']).status !== 0) {
    t.comment('not root: the device cases are skipped');
    return;
  }
  const d = run([snaps, '--out', dev, '--json', dev.replace(/null$/, 'r.json'), '--quiet'], dir);
  t.equal(d.code, 1, d.stderr);
  t.ok(lstatSync(dev).isCharacterDevice(), '--out to a device leaves it a device');
  t.notOk(readdirSync(dir).includes('null.svg'), 'no chart beside a device');
  const j = run([snaps, '--out', join(dir, 'r2.md'), '--json', dev, '--quiet'], dir);
  t.equal(j.code, 1, j.stderr);
  t.ok(lstatSync(dev).isCharacterDevice(), '--json to a device leaves it a device');
});

t.test('a full device is one line and leaves nothing; a closed pipe ends quietly', async (t) => {
  const { dir, snaps } = series(t);
  const before = tree(dir);
  refused(
    t,
    run([snaps, '--out', join(dir, 'r.md'), '--json', '/dev/full'], dir),
    dir,
    before,
    /\/dev\/full: write: cannot be written: no space left on the device \(ENOSPC\)/,
  );

  const full = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" "${snaps}" --out - > /dev/full`], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
  });
  t.equal(full.status, 2, 'stdout on a full device: exit 2');
  t.match(full.stderr.trim(), /^leakdiff: stdout: write: cannot be written: no space left on the device \(ENOSPC\)$/);

  // `true` exits without reading: every write to the pipe fails with EPIPE.
  const pipe = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" "${snaps}" --out - | true; exit "\${PIPESTATUS[0]}"`], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
  });
  t.equal(pipe.stderr, '', 'nothing on stderr');
  t.equal(pipe.status, 1, "the analysis' own exit code (a leak)");
  t.same(tree(dir), before, 'nothing written');
});

// As root the test runs leakdiff as nobody, who must be able to reach the checkout (a clone under a 0700
// directory cannot be): then the case cannot be made here, and it says so instead of failing.
const nobodyReaches =
  process.getuid?.() !== 0 || spawnSync(process.execPath, ['-e', 'require("fs").accessSync(process.argv[1])', CLI], { uid: 65534, gid: 65534 }).status === 0;

t.test(
  'a read-only output directory says so, not ENOENT',
  { skip: nobodyReaches ? false : 'user nobody cannot read this checkout (a parent directory is not world-readable)' },
  async (t) => {
    const { dir, snaps } = series(t);
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    chmodSync(dir, 0o755);
    // Root may write anywhere: run as nobody so the permission is what the user would meet.
    const as = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const before = tree(dir);
    refused(
      t,
      run([snaps, '--out', join(ro, 'r.md')], dir, {}, as),
      dir,
      before,
      /ro\/r\.md: write: the directory .*ro cannot be written: permission denied \(EACCES\)/,
    );
  },
);

t.test(
  'collect: a snapshot directory or report that cannot be written is said before any request, not ENOENT',
  { skip: nobodyReaches ? false : 'user nobody cannot read this checkout (a parent directory is not world-readable)' },
  async (t) => {
    const dir = scratch(t);
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    chmodSync(dir, 0o777);
    const as = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    // Nothing listens on port 9 (discard): a request would fail with another message, so these show no request was made.
    const url = 'http://127.0.0.1:9';
    const before = tree(dir);
    refused(
      t,
      run(['collect', url, '--count', '2', '--every', '1s', '--dir', join(ro, 'snaps')], dir, {}, as),
      dir,
      before,
      /ro\/snaps: write: the directory cannot be created in .*ro: permission denied \(EACCES\); stopped, nothing saved$/,
    );
    refused(
      t,
      run(['collect', url, '--count', '2', '--every', '1s', '--dir', ro], dir, {}, as),
      dir,
      before,
      /ro: write: the directory cannot be written: permission denied \(EACCES\); stopped, nothing saved$/,
    );
    refused(
      t,
      run(['collect', url, '--count', '2', '--every', '1s', '--analyze', '--out', join(ro, 'r.md'), '--dir', join(dir, 'snaps')], dir, {}, as),
      dir,
      before,
      /ro\/r\.md: write: the directory .*ro cannot be written: permission denied \(EACCES\)$/,
    );
  },
);
