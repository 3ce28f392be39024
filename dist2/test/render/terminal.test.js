// The report in a terminal: rendered by marked-terminal through a real pseudo-terminal (util-linux `script`),
// with colour unless NO_COLOR or --no-color says otherwise; plain Markdown to a pipe.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import t from 'tap';
import { renderTerminal, wantsColor } from '../../src/render/terminal.js';
import { leakdiff } from '../helpers/cli.js';
import { CLI, fixture } from '../helpers/paths.js';
const ANSI = /\u001b\[[0-9;]*m/;
const files = () => readdirSync(fixture('map-leak')).filter((f) => f.endsWith('.pb.gz')).map((f) => fixture('map-leak', f));
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
function inPty(args, env) {
    const cmd = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
    return r.stdout;
}
t.test('colour decisions: --no-color, NO_COLOR, FORCE_COLOR, terminal or not', async (t) => {
    t.equal(wantsColor({}, true, false), true);
    t.equal(wantsColor({}, false, false), false);
    t.equal(wantsColor({ NO_COLOR: '1' }, true, false), false);
    t.equal(wantsColor({}, true, true), false, '--no-color');
    t.equal(wantsColor({ FORCE_COLOR: '1' }, false, false), true);
    t.equal(wantsColor({ FORCE_COLOR: '0' }, true, false), true, 'FORCE_COLOR=0 forces nothing; the terminal decides');
});
t.test('marked-terminal output: styled with colour, free of escape codes without (tables included)', async (t) => {
    const md = '# Leak\n\n| a | b |\n| --- | --- |\n| `x` | **y** |\n\n```go\ndefer conn.Close()\n```\n';
    t.match(await renderTerminal(md, { color: true, width: 80 }), ANSI);
    const plain = await renderTerminal(md, { color: false, width: 80 });
    t.notMatch(plain, ANSI);
    t.match(plain, /defer conn\.Close\(\)/);
    t.match(plain, /│|\|/, 'the table is drawn');
});
t.test('through a real terminal: rendered with colour; NO_COLOR and --no-color turn it off', { skip: hasScript ? false : 'util-linux script is not installed' }, async (t) => {
    const coloured = inPty([...files(), '--out', '-', '--quiet'], { NO_COLOR: '', FORCE_COLOR: '' });
    t.match(coloured, ANSI, 'colour in a terminal');
    t.notMatch(coloured, /^# Leak/m, 'rendered, not raw Markdown');
    t.match(coloured, /Remember/);
    t.notMatch(inPty([...files(), '--out', '-', '--quiet'], { NO_COLOR: '1' }), ANSI, 'NO_COLOR=1');
    t.notMatch(inPty([...files(), '--out', '-', '--quiet', '--no-color'], { NO_COLOR: '' }), ANSI, '--no-color');
});
t.test('to a pipe: plain Markdown, no escape codes', async (t) => {
    const r = leakdiff([...files(), '--out', '-', '--quiet'], { FORCE_COLOR: '' });
    t.match(r.stdout, /^# Leak: Heap growing without bound, in example\.com\/sessions\/store\.\(\*Store\)\.Remember\n/);
    t.notMatch(r.stdout, ANSI);
});
//# sourceMappingURL=terminal.test.js.map