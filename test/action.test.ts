// The composite action (action.yml) as a workflow runs it: its leakdiff step (action/run.sh) with the inputs
// in INPUT_* variables, GITHUB_ACTIONS, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_WORKSPACE set as the
// runner sets them, in a checkout that holds a config file and a directory of snapshots.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { scratch } from './helpers/cli.js';
import { ROOT, fixture } from './helpers/paths.js';

function step(cwd: string, inputs: Readonly<Record<string, string>>): { code: number | null; stderr: string; output: string; summary: string } {
  const output = join(cwd, 'github-output');
  const summary = join(cwd, 'step-summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_WORKSPACE: cwd,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync('bash', [join(ROOT, 'action/run.sh')], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stderr: r.stderr, output: readFileSync(output, 'utf8'), summary: readFileSync(summary, 'utf8') };
}

t.test('action.yml declares the inputs its step reads, and runs action/run.sh', async (t) => {
  const yml = readFileSync(join(ROOT, 'action.yml'), 'utf8');
  t.match(yml, /using: composite/);
  for (const input of ['snapshots', 'config', 'args', 'report', 'json']) t.match(yml, new RegExp(`\\n  ${input}:\\n`), `input ${input}`);
  t.match(yml, /run: bash "\$GITHUB_ACTION_PATH\/action\/run\.sh"/);
});

t.test('a sample workflow: snapshots and .leakdiff.json in the checkout, annotations, summary and outputs', async (t) => {
  const cwd = scratch(t);
  mkdirSync(join(cwd, 'snaps'));
  cpSync(fixture('grpc-leak'), join(cwd, 'snaps'), { recursive: true, filter: (src) => !src.endsWith('.txt') });
  // The service's source at the path the profile names, as in the service's own repository.
  mkdirSync(join(cwd, 'fixtures/gen/grpc-leak'), { recursive: true });
  cpSync(fixture('gen/grpc-leak/main.go'), join(cwd, 'fixtures/gen/grpc-leak/main.go'));
  writeFileSync(join(cwd, '.leakdiff.json'), JSON.stringify({ 'fail-on': 'high', 'max-goroutine-growth': '100/h' }));
  const r = step(cwd, { snapshots: 'snaps', args: '--quiet' });
  t.equal(r.code, 1, r.stderr);
  t.match(r.output, /^verdict=leak\nexit-code=1\n$/);
  t.match(r.stderr, /^::error file=fixtures\/gen\/grpc-leak\/main\.go,line=59,title=leakdiff%3A gRPC ClientConn never closed::/m);
  t.match(r.stderr, /^::error title=leakdiff gate max-goroutine-growth::/m);
  t.match(r.summary, /## Leak: gRPC ClientConn never closed/);
  t.match(readFileSync(join(cwd, 'leakdiff-result.json'), 'utf8'), /"schemaVersion": 1/);
  t.match(readFileSync(join(cwd, 'leakdiff-report.md'), 'utf8'), /^# Leak/);
  writeFileSync(join(cwd, 'accepted.json'), JSON.stringify({ ignore: [{ signature: 'grpc-clientconn-unclosed', reason: 'known, fixed in 2.4' }] }));
  const ok = step(cwd, { snapshots: 'snaps', config: 'accepted.json', report: 'r2.md', json: 'r2.json' });
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.output, /verdict=leak\nexit-code=0/, 'the leak is still the verdict, accepted by the config');
  t.match(ok.stderr, /^::notice file=fixtures\/gen\/grpc-leak\/main\.go,line=59,.*Accepted growth \(config ignore list\): known, fixed in 2\.4/m);
  const bad = step(cwd, { snapshots: 'snaps', args: '--max-heap-growth fast' });
  t.equal(bad.code, 2);
  t.match(bad.output, /verdict=none\nexit-code=2/);
});
