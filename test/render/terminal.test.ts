// The report in a terminal: rendered by marked-terminal through a real pseudo-terminal (util-linux `script`),
// with colour unless NO_COLOR or --no-color says otherwise; plain Markdown to a pipe.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { renderTerminal, wantsColor } from '../../src/render/terminal.js';
import { leakdiff, scratch } from '../helpers/cli.js';
import { CLI, fixture } from '../helpers/paths.js';

const ANSI = /\u001b\[[0-9;]*m/;
const files = (): string[] =>
  readdirSync(fixture('map-leak'))
    .filter((f) => f.endsWith('.pb.gz'))
    .map((f) => fixture('map-leak', f));
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

function inPty(args: readonly string[], env: Readonly<Record<string, string>>): string {
  const cmd = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return r.stdout;
}

t.test('colour decisions: --color/--no-color, NO_COLOR, FORCE_COLOR, TERM=dumb, terminal or not', async (t) => {
  t.equal(wantsColor({}, true, null), true);
  t.equal(wantsColor({}, false, null), false);
  t.equal(wantsColor({ NO_COLOR: '1' }, true, null), false);
  t.equal(wantsColor({}, true, false), false, '--no-color');
  t.equal(wantsColor({ FORCE_COLOR: '1' }, true, false), false, '--no-color wins over FORCE_COLOR');
  t.equal(wantsColor({}, false, true), true, '--color into a pipe');
  t.equal(wantsColor({ FORCE_COLOR: '1' }, false, null), true);
  t.equal(wantsColor({ FORCE_COLOR: '0' }, true, null), true, 'FORCE_COLOR=0 forces nothing; the terminal decides');
  t.equal(wantsColor({ TERM: 'dumb' }, true, null), false, 'TERM=dumb');
  t.equal(wantsColor({ TERM: 'dumb', FORCE_COLOR: '1' }, true, null), true, 'FORCE_COLOR over TERM=dumb');
});

t.test('marked-terminal output: styled with colour, free of escape codes without (tables included)', async (t) => {
  const md = '# Leak\n\n| a | b |\n| --- | --- |\n| `x` | **y** |\n\n```go\ndefer conn.Close()\n```\n';
  t.match(await renderTerminal(md, { color: true, width: 80 }), ANSI);
  const plain = await renderTerminal(md, { color: false, width: 80 });
  t.notMatch(plain, ANSI);
  t.match(plain, /defer conn\.Close\(\)/);
  t.match(plain, /│|\|/, 'the table is drawn');
});

t.test(
  'through a real terminal: rendered with colour; NO_COLOR and --no-color turn it off',
  { skip: hasScript ? false : 'util-linux script is not installed' },
  async (t) => {
    const coloured = inPty([...files(), '--out', '-', '--quiet'], { NO_COLOR: '', FORCE_COLOR: '' });
    t.match(coloured, ANSI, 'colour in a terminal');
    t.notMatch(coloured, /^# Leak/m, 'rendered, not raw Markdown');
    t.match(coloured, /Remember/);
    t.notMatch(inPty([...files(), '--out', '-', '--quiet'], { NO_COLOR: '1' }), ANSI, 'NO_COLOR=1');
    t.notMatch(inPty([...files(), '--out', '-', '--quiet', '--no-color'], { NO_COLOR: '' }), ANSI, '--no-color');
    const dumb = inPty([...files(), '--out', '-', '-q'], { NO_COLOR: '', FORCE_COLOR: '', TERM: 'dumb' });
    t.notMatch(dumb, ANSI, 'TERM=dumb: no colour');
    t.match(dumb, /Remember/, 'TERM=dumb: still the report');
  },
);

t.test('FORCE_COLOR=1 into a pipe (leakdiff | cat): the coloured terminal view', async (t) => {
  const r = leakdiff([...files(), '--out', '-', '-q'], { NO_COLOR: '', FORCE_COLOR: '1' });
  t.match(r.stdout, ANSI);
  t.notMatch(r.stdout, /^# Leak/m, 'rendered, not raw Markdown');
});

t.test('--quiet and -q quiet stderr only: the report still goes to stdout', async (t) => {
  for (const q of ['--quiet', '-q']) {
    const dir = scratch(t);
    const r = leakdiff([...files(), q, '--out', join(dir, 'r.md')], { FORCE_COLOR: '' });
    t.equal(r.stderr, '', `${q}: nothing on stderr`);
    t.match(r.stdout, /^# Leak: Map, slice or buffer that only grows/, `${q}: the report on stdout`);
    t.ok(existsSync(join(dir, 'r.md')), `${q}: the report written`);
  }
  const loud = leakdiff([...files(), '--out', join(scratch(t), 'r.md')], { FORCE_COLOR: '' });
  t.match(loud.stderr, /leakdiff: wrote /, 'without it, what was written is said');
});

t.test('to a pipe: plain Markdown, no escape codes', async (t) => {
  const r = leakdiff([...files(), '--out', '-', '--quiet'], { FORCE_COLOR: '' });
  t.match(r.stdout, /^# Leak: Map, slice or buffer that only grows, in example\.com\/sessions\/store\.\(\\\*Store\)\.Remember\n/);
  t.notMatch(r.stdout, ANSI);
});
