// The config file (--config, .leakdiff.json in the working directory): gates and accepted growth kept with
// the code. Every broken file is one line naming the file and what is wrong, exit 2, before any work; flags
// win over the file; an ignored finding is still listed, as ignored, and fails no gate.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parseConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { leakdiff, scratch } from './helpers/cli.js';
import { fixture } from './helpers/paths.js';

const pb = (scenario: string): string[] =>
  readdirSync(fixture(scenario))
    .filter((f) => f.endsWith('.pb.gz'))
    .map((f) => fixture(scenario, f));
interface Result {
  gates: { name: string; passed: boolean; limit: string; why: string }[];
  findings: { culprit: string | null; signature: string | null; ignored: { function?: string; signature?: string; reason: string } | null }[];
}

t.test("a valid file: keys are the flags' names, ignore entries by function or signature with a reason", async (t) => {
  const c = parseConfig(
    '.leakdiff.json',
    JSON.stringify({
      $schema: 'x',
      'max-heap-growth': '5MiB/h',
      'fail-on': 'high',
      module: 'example.com/svc',
      ignore: [
        { function: 'main.fill', reason: 'bounded warm-up' },
        { signature: 'grpc-clientconn-unclosed', reason: 'tracked in #12' },
      ],
    }),
  );
  t.same(c.values, { 'max-heap-growth': '5MiB/h', 'fail-on': 'high', module: ['example.com/svc'] });
  t.same(c.ignore, [
    { function: 'main.fill', signature: null, reason: 'bounded warm-up' },
    { function: null, signature: 'grpc-clientconn-unclosed', reason: 'tracked in #12' },
  ]);
});

const BAD: readonly [string, string, RegExp][] = [
  ['not JSON', '{"fail-on": ', /not valid JSON/],
  ['an array', '[]', /must be a JSON object/],
  ['an unknown key', '{"max-heap-grwth": "5MiB/h"}', /unknown key "max-heap-grwth" \(did you mean "max-heap-growth"\?\)/],
  ['ignore not a list', '{"ignore": {}}', /"ignore" is a list/],
  ['an entry without a reason', '{"ignore": [{"function": "main.fill"}]}', /ignore\[0\]: "reason" is missing/],
  ['an entry with both', '{"ignore": [{"function": "a", "signature": "b", "reason": "r"}]}', /ignore\[0\]: give one of "function"/],
  ['an entry with neither', '{"ignore": [{"reason": "r"}]}', /ignore\[0\]: give one of "function"/],
  ['an unknown entry key', '{"ignore": [{"func": "a", "reason": "r"}]}', /ignore\[0\]: unknown key "func"/],
  ['an empty reason', '{"ignore": [{"function": "a", "reason": " "}]}', /ignore\[0\]: "reason" must be a non-empty string/],
  ['a bad module', '{"module": 3}', /"module" is a module path/],
];

t.test('a broken file: ConfigError naming the file and the problem', async (t) => {
  for (const [name, text, re] of BAD) {
    t.throws(() => parseConfig('cfg.json', text), ConfigError, name);
    try {
      parseConfig('cfg.json', text);
    } catch (err) {
      t.match((err as Error).message, re, name);
      t.match((err as Error).message, /^cfg\.json: config: /, `${name}: names the file`);
    }
  }
});

t.test('through the CLI: .leakdiff.json in the working directory, --config, one-line errors before any work', async (t) => {
  const cwd = scratch(t);
  writeFileSync(join(cwd, '.leakdiff.json'), JSON.stringify({ 'max-goroutine-growth': '100/h', 'fail-on': 'high' }));
  const r = leakdiff([...pb('grpc-leak'), '--json', '-', '--out', join(cwd, 'r.md')], {}, false, cwd);
  t.equal(r.code, 1, r.stderr);
  const j = JSON.parse(r.stdout) as Result;
  t.same(
    j.gates.map((g) => g.name),
    ['max-goroutine-growth', 'fail-on'],
    'the gates of .leakdiff.json',
  );
  t.match(j.gates[1].limit, /at high confidence/);
  const flag = leakdiff([...pb('grpc-leak'), '--json', '-', '--out', join(cwd, 'r.md'), '--max-goroutine-growth', '1000000/h'], {}, false, cwd);
  t.equal((JSON.parse(flag.stdout) as Result).gates[0].limit, '1000000/h', 'a flag wins over the file');
  writeFileSync(join(cwd, 'other.json'), JSON.stringify({ 'max-heap-growth': 'fast' }));
  const bad = leakdiff([...pb('grpc-leak'), '--config', join(cwd, 'other.json'), '--out', join(cwd, 'x.md')], {}, false, cwd);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /^leakdiff: .*other\.json: config: "max-heap-growth" takes a rate such as 5MiB\/h or 100MB\/day, not "fast"\n$/);
  t.notOk(readdirSync(cwd).includes('x.md'), 'nothing written');
  const missing = leakdiff([...pb('grpc-leak'), '--config', join(cwd, 'nope.json')], {}, false, cwd);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /nope\.json: config: no such file\n$/);
  writeFileSync(join(cwd, '.leakdiff.json'), '{"ignore": [{"function": "x"}]}');
  const broken = leakdiff([...pb('grpc-leak')], {}, false, cwd);
  t.equal(broken.code, 2);
  t.match(broken.stderr, /^leakdiff: \.leakdiff\.json: config: ignore\[0\]: "reason" is missing/);
});

t.test('ignore: the accepted finding is listed as ignored, fails no gate, and its growth leaves the rate gate', async (t) => {
  const cwd = scratch(t);
  const cfg = join(cwd, 'cfg.json');
  writeFileSync(cfg, JSON.stringify({ ignore: [{ signature: 'grpc-clientconn-unclosed', reason: 'a known leak, fixed in the next release' }] }));
  const r = leakdiff([...pb('grpc-leak'), '--config', cfg, '--json', join(cwd, 'r.json'), '--out', join(cwd, 'r.md')]);
  t.equal(r.code, 0, `the only finding is accepted: exit 0 (${r.stderr})`);
  const j = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as Result;
  t.equal(j.findings[0].culprit, 'main.(*clusterClient).getConn', 'still listed');
  t.same(j.findings[0].ignored, { signature: 'grpc-clientconn-unclosed', reason: 'a known leak, fixed in the next release' });
  t.match(j.gates.find((g) => g.name === 'fail-on')?.why, /no finding reached it; 1 more at that level ignored/);
  const md = readFileSync(join(cwd, 'r.md'), 'utf8');
  t.match(md, /## Accepted growth \(ignored\)/);
  t.match(md, /a known leak, fixed in the next release/);
  writeFileSync(cfg, JSON.stringify({ ignore: [{ function: 'main.(*clusterClient).getConn', reason: 'accepted' }] }));
  const byFunction = leakdiff([...pb('grpc-leak'), '--config', cfg, '--json', '-', '--out', join(cwd, 'r2.md')]);
  t.equal(byFunction.code, 0, 'by the culprit function, as the report names it');
  t.equal((JSON.parse(byFunction.stdout) as Result).findings[0].ignored?.function, 'main.(*clusterClient).getConn');
  writeFileSync(cfg, JSON.stringify({ ignore: [{ function: 'main.somethingElse', reason: 'unrelated' }] }));
  const other = leakdiff([...pb('grpc-leak'), '--config', cfg, '--json', '-', '--out', join(cwd, 'r3.md')]);
  t.equal(other.code, 1, 'a rule for another function hides nothing');
  t.equal((JSON.parse(other.stdout) as Result).findings[0].ignored, null);
});
