// The command as a user and CI meet it: exit codes, one-line errors naming the file, no stack traces,
// nothing written when a run fails, and output files never over an input.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { leakdiff, scratch } from './helpers/cli.js';
import { CORPUS, NEEDS_CORPUS, ROOT, fixture } from './helpers/paths.js';

const pb = (scenario: string): string[] =>
  readdirSync(fixture(scenario))
    .filter((f) => f.endsWith('.pb.gz'))
    .map((f) => fixture(scenario, f));
const oneLine = (s: string): boolean => s.trim().split('\n').length === 1 && !/\s+at /.test(s);

t.test('a leak exits 1, no leak exits 0, and --fail-on moves the bar', async (t) => {
  const leak = leakdiff([...pb('grpc-leak'), '--json', '-', '--out', join(scratch(t), 'r.md')]);
  t.equal(leak.code, 1, leak.stderr);
  const result = JSON.parse(leak.stdout) as { schemaVersion: number; verdict: string; findings: { culprit: string }[] };
  t.equal(result.schemaVersion, 1);
  t.equal(result.verdict, 'leak');
  t.equal(result.findings[0].culprit, 'main.(*clusterClient).getConn');
  t.equal(leakdiff(['analyze', ...pb('grpc-close')]).code, 0);
  const cache = leakdiff(['analyze', ...pb('cache-warm'), '--fail-on', 'low']);
  t.equal(cache.code, 0, 'a warming cache fails no gate');
  t.match(cache.stdout, /bounded/);
});

t.test('inspect describes files; --json is an array with the documented fields', async (t) => {
  const r = leakdiff(['inspect', '--json', pb('map-leak')[0]]);
  t.equal(r.code, 0, r.stderr);
  const [row] = JSON.parse(r.stdout) as Record<string, unknown>[];
  for (const k of ['file', 'form', 'kind', 'time', 'timeSource', 'sampleTypes', 'samples', 'stacks', 'totals']) t.ok(k in row, k);
});

t.test('inspect describes a CPU profile (from the external corpus)', { skip: NEEDS_CORPUS }, async (t) => {
  const cpu = leakdiff(['inspect', join(CORPUS, 'google-pprof-testdata/large.cpu')]);
  t.equal(cpu.code, 0, 'inspect describes a CPU profile');
  t.match(cpu.stdout, /kind +other/);
});

interface Bad {
  readonly name: string;
  readonly args: () => string[];
  readonly message: RegExp;
  readonly corpus?: boolean;
}
const dir = mkdtempSync(join(tmpdir(), 'leakdiff-cli-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const BAD: readonly Bad[] = [
  { name: 'a missing file', args: () => ['analyze', join(dir, 'nope.pb.gz')], message: /nope\.pb\.gz: read: no such file or directory/ },
  {
    name: 'an HTML error page',
    args: () => ['inspect', file('heap.pb.gz', '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>')],
    message: /heap\.pb\.gz: decode: an HTML page, not a profile titled "502 Bad Gateway"/,
  },
  { name: 'an empty file', args: () => ['inspect', file('empty', '')], message: /empty: decode: the file is empty/ },
  {
    name: 'a legacy binary CPU profile',
    args: () => ['inspect', join(CORPUS, 'google-pprof-testdata/go.crc32.cpu')],
    message: /go\.crc32\.cpu: decode: .*unsupported profile form/,
    corpus: true,
  },
  {
    name: 'a Java heap profile',
    args: () => ['inspect', join(CORPUS, 'google-pprof-testdata/java.heap')],
    message: /java\.heap: decode: .*unsupported profile form/,
    corpus: true,
  },
  {
    name: 'a CPU profile among heap profiles',
    args: () => ['analyze', pb('map-leak')[0], join(CORPUS, 'google-pprof-testdata/large.cpu')],
    message: /large\.cpu: series: this is a CPU profile; leakdiff needs heap or goroutine profiles/,
    corpus: true,
  },
  { name: 'a bad --interval', args: () => ['analyze', pb('map-leak')[0], '--interval', 'soon'], message: /--interval takes a duration/ },
  { name: 'a mistyped command', args: () => ['inspct', 'x'], message: /inspect/ },
  {
    name: 'an unknown option',
    args: () => ['analyze', pb('map-leak')[0], '--fial-on', 'high'],
    message: /unknown option --fial-on \(did you mean --fail-on\?\)/,
  },
  { name: 'no files at all', args: () => ['inspect'], message: /nothing to work on: give the snapshot files/ },
  // yargs reports a flag with no value as a YError: a usage error, not "internal error ... a bug in leakdiff".
  { name: 'a flag with no value after it', args: () => ['analyze', pb('map-leak')[0], '--json'], message: /usage: --json needs a value after it/ },
];

function checkBad(t: Test, cases: readonly Bad[]): void {
  for (const b of cases) {
    const r = leakdiff(b.args());
    t.equal(r.code, 2, `${b.name}: exit 2`);
    t.match(r.stderr, b.message, `${b.name}: message`);
    t.ok(oneLine(r.stderr), `${b.name}: one line, no stack trace (${JSON.stringify(r.stderr)})`);
    t.equal(r.stdout, '', `${b.name}: nothing on stdout`);
  }
}

t.test('bad input: exit 2, one line naming the file and the problem, no stack trace', async (t) =>
  checkBad(
    t,
    BAD.filter((b) => b.corpus !== true),
  ),
);
t.test('bad input from the external corpus: the same', { skip: NEEDS_CORPUS }, async (t) =>
  checkBad(
    t,
    BAD.filter((b) => b.corpus === true),
  ),
);

t.test('a failed run writes nothing; an input is never overwritten', async (t) => {
  const out = join(dir, 'report.txt');
  const json = join(dir, 'result.json');
  const r = leakdiff(['analyze', pb('map-leak')[0], file('broken.pb.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3])), '--out', out, '--json', json]);
  t.equal(r.code, 2);
  t.notOk(existsSync(out), 'no report');
  t.notOk(existsSync(json), 'no JSON');
  t.same(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary files left',
  );
  const input = pb('map-leak')[0];
  const before = readFileSync(input);
  const over = leakdiff(['analyze', ...pb('map-leak'), '--out', input]);
  t.equal(over.code, 2);
  t.match(over.stderr, /is one of the input snapshots; refusing to overwrite it/);
  t.same(readFileSync(input), before, 'the input is untouched');
});

t.test('--version and --help', async (t) => {
  t.match(leakdiff(['--version']).stdout, /^\d+\.\d+\.\d+/);
  const help = leakdiff(['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /inspect/);
  t.match(help.stdout, /analyze/);
});

t.test('-V and --version print the version; a bare leakdiff prints short help and exits 2', async (t) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const v of ['-V', '--version']) {
    const r = leakdiff([v]);
    t.equal(r.code, 0, v);
    t.equal(r.stdout, `${pkg.version}\n`, v);
  }
  const bare = leakdiff([]);
  t.equal(bare.code, 2, 'a CI line whose snapshot list came out empty must not pass');
  t.match(bare.stderr, /^usage: leakdiff <snapshot\.\.\.>/);
  t.match(bare.stderr, /leakdiff --help/);
  t.ok(bare.stderr.split('\n').length < 12, 'short');
  t.equal(bare.stdout, '');
});

t.test('--help at 80 columns: common options first, resource limits in their own group at the end, examples readable', async (t) => {
  const r = leakdiff(['--help'], { COLUMNS: '80' });
  t.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  t.same(
    lines.filter((l) => l.length > 80),
    [],
    'nothing wider than 80 columns',
  );
  const at = (heading: string): number => lines.findIndex((l) => l.startsWith(heading));
  t.ok(
    at('Output:') > 0 &&
      at('Output:') < at('CI gates:') &&
      at('CI gates:') < at('Analysis:') &&
      at('Analysis:') < at('Collecting from a URL:') &&
      at('Collecting from a URL:') < at('Resource limits'),
    'groups in order',
  );
  const examples = lines.slice(at('Examples:') + 1).filter((l) => l.trim() !== '');
  t.ok(examples.length >= 10, 'examples listed');
  for (const l of examples) t.match(l, /^ {2}leakdiff |^ {6}\S/, `an example command on its own line, its meaning below: ${l}`);
  const collect = leakdiff(['collect', '--help'], { COLUMNS: '80' });
  t.match(collect.stdout, /--analyze/);
  t.match(collect.stdout, /--max-heap-growth/, 'collect lists every analysis option');
});

t.test('standard input: `-` reads one pasted or piped dump, alone; `--out -` still means stdout', async (t) => {
  const dir = fixture('matrix', 'grpc-newclient-refresh', 'go1.26-trimpath');
  const dump = readdirSync(dir)
    .filter((n) => n.startsWith('goroutine-') && n.endsWith('.debug2.txt.gz'))
    .sort()
    .at(-1)!;
  const { gunzipSync } = await import('node:zlib');
  const text = gunzipSync(readFileSync(join(dir, dump)));
  // Through the quick path (no flag yargs must see) and through yargs (-q), with the report to stdout.
  for (const args of [
    ['-', '--out', '-'],
    ['-q', '-', '--out', '-'],
  ]) {
    const r = leakdiff(args, {}, false, undefined, text);
    t.equal(r.code, 1, `${args.join(' ')}: a suspect exits 1`);
    t.match(r.stdout, /^# Suspect: gRPC ClientConn never closed/);
    t.match(r.stdout, /times from when it was read from standard input \(it carries no time of its own\)/);
  }
  const mixed = leakdiff(['-', join(dir, dump)], {}, false, undefined, text);
  t.equal(mixed.code, 2);
  t.match(mixed.stderr, /^leakdiff: usage: - \(standard input\) is read alone/);
  t.equal(mixed.stderr.trim().split('\n').length, 1);
  const empty = leakdiff(['-'], {}, false, undefined, Buffer.alloc(0));
  t.equal(empty.code, 2);
  t.equal(empty.stderr.trim(), 'leakdiff: -: read: standard input is empty: paste or pipe a profile or dump into it');
  const junk = leakdiff(['-'], {}, false, undefined, Buffer.from('hello, this is no profile\n'));
  t.equal(junk.code, 2);
  t.match(junk.stderr, /^leakdiff: -: decode: /);
});
