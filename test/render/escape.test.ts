// Escaping per context (src/render/escape.ts), then hostile function names from real captures through the
// whole command: the report, its HTML rendering, the shell commands, the SVG and the JSON.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { exactRegex, mdCell, mdCode, mdFence, mdText, shellWord, xml } from '../../src/render/escape.js';
import { leakdiff, scratch } from '../helpers/cli.js';
import { canaryPayload, canaryTouched, markdownProblems, PAYLOADS, shellCommands, shellWords, svgProblems } from '../helpers/hostile.js';
import { fixture } from '../helpers/paths.js';
import { renameFunctions } from '../helpers/profiles.js';

t.test('each context, one table', async (t) => {
  const cases: readonly [string, string, string][] = [
    ['mdText', mdText('a*b_c`d<e>f[g]h|i~j&k\\l'), 'a\\*b\\_c\\`d\\<e\\>f\\[g\\]h\\|i\\~j\\&k\\\\l'],
    ['mdText: a newline cannot start a heading', mdText('x\n# y'), 'x # y'],
    ['mdText: a leading heading, list or number', mdText('# a') + mdText('- b') + mdText('1. c'), '\\# a\\- b1\\. c'],
    ['mdText: ESC shown, not sent', mdText('\u001b[2J'), '\\u001b\\[2J'],
    ['mdCode: backticks inside', mdCode('a`b``c'), '``` a`b``c ```'],
    ['mdCode: plain', mdCode('main.f'), '`main.f`'],
    ['mdCode: newline and ESC', mdCode('a\nb\u001b'), '`a b\\u001b`'],
    ['mdCell: a pipe even in code', mdCell('`a|b`'), '`a\\|b`'],
    ['xml', xml('<a href="x">&\'\u001b\u009b'), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;\uFFFD\uFFFD'],
    ['shellWord: safe as it is', shellWord('heap.pb.gz') ?? 'null', 'heap.pb.gz'],
    ['shellWord: quotes', shellWord("it's $(x) `y`") ?? 'null', "'it'\\''s $(x) `y`'"],
    ['shellWord: a path starting with -', shellWord('-x.pb', { path: true }) ?? 'null', './-x.pb'],
    ['shellWord: controls refused', String(shellWord('a\nb')), 'null'],
    ['exactRegex', exactRegex('main.(*T).f'), '^main\\.\\(\\*T\\)\\.f$'],
  ];
  for (const [name, got, want] of cases) t.equal(got, want, name);
  t.same(mdFence('text', ['a```b', 'c']), ['````text', 'a```b', 'c', '````'], 'a fence longer than any run inside');
  t.same(mdFence('', ['a\nb']), ['```', 'a\\u000ab', '```'], 'a newline in a line is data');
});

t.test('a quoted word reads back as the same word in a real sh', async (t) => {
  // Messages name the payload by index: U+2028 in a message would split tap's own output.
  for (const [i, p] of PAYLOADS.entries()) {
    const word = `main.f${p}x`;
    const quoted = shellWord(word);
    if (quoted === null) {
      t.match(word, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/, `payload ${i}: refused only for controls`);
      continue;
    }
    t.same(shellWords(`go tool pprof ${quoted}`), [word], `payload ${i}: the same word back`);
  }
});

/** A copy of a real series whose culprit is renamed: `Remember` gets the payload appended. */
function hostileSeries(dir: string, payload: string): string {
  const out = join(dir, 'snaps');
  mkdirSync(out);
  for (const f of readdirSync(fixture('map-leak')).filter((n) => n.endsWith('.pb.gz'))) {
    writeFileSync(
      join(out, f.replace(/\.gz$/, '')),
      renameFunctions(readFileSync(fixture('map-leak', f)), (fn) => (fn.includes('Remember') ? `${fn}${payload}` : fn)),
    );
  }
  return out;
}

t.test('hostile function names from a real capture: shown in every output, obeyed by none', async (t) => {
  const dir = scratch(t);
  const canary = join(dir, 'CANARY');
  const benign = leakdiff([hostileSeries(join(dir, 'benign') + (mkdirSync(join(dir, 'benign')), ''), 'Plain'), '--out', join(dir, 'benign.md'), '--quiet']);
  t.equal(benign.code, 1, benign.stderr);
  const headings = (markdownProblems(readFileSync(join(dir, 'benign.md'), 'utf8'), -1)[0] ?? '').replace(/ headings.*/, '');
  const payloads = [canaryPayload(canary), PAYLOADS.join(''), PAYLOADS.filter((p) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(p)).join('')];
  for (const [i, payload] of payloads.entries()) {
    const d = join(dir, `h${i}`);
    mkdirSync(d);
    const snaps = hostileSeries(d, payload);
    const r = leakdiff([snaps, '--out', join(d, 'r.md'), '--json', join(d, 'r.json')]);
    t.equal(r.code, 1, `payload ${i}: a leak, as with plain names (${r.stderr.trim()})`);
    const md = readFileSync(join(d, 'r.md'), 'utf8');
    const json = JSON.parse(readFileSync(join(d, 'r.json'), 'utf8')) as { findings: { culprit: string }[] };
    t.ok(
      json.findings[0].culprit.endsWith(payload.replace(/\[[^\]]*\]/g, '[...]')) || json.findings[0].culprit.includes('Remember'),
      `payload ${i}: the JSON names the culprit as the profile does`,
    );
    t.same(markdownProblems(md, Number(headings)), [], `payload ${i}: the Markdown renders to the report's own elements and headings only`);
    t.same(svgProblems(readFileSync(join(d, 'r.svg'), 'utf8')), [], `payload ${i}: the SVG draws only its own elements`);
    t.notMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, `payload ${i}: no control character on stdout`);
    const cmds = shellCommands(md);
    t.ok(cmds.length >= 1, `payload ${i}: commands shown`);
    for (const c of cmds) {
      const words = shellWords(c);
      t.ok(words.length >= 2, `payload ${i}: ${c.slice(0, 60)} reads as words`);
      const regex = words.find((w) => w.startsWith('^'));
      if (regex !== undefined) t.ok(regex.endsWith('$') && !regex.slice(1, -1).match(/(?<!\\)[()*|]/), `payload ${i}: one regex word, metacharacters escaped`);
    }
    t.notOk(canaryTouched(canary), `payload ${i}: nothing ran`);
  }
});

t.test('--source never shows a file outside the directory: not through ../, not through a symlink', async (t) => {
  const dir = scratch(t);
  const checkout = join(dir, 'checkout');
  mkdirSync(checkout);
  const secret = 'package store\n\n// OUTSIDE THE CHECKOUT\nfunc (s *Store) Remember(k string) {\n\ts.m[k] = make([]byte, 1024)\n}\n';
  writeFileSync(join(dir, 'secret.go'), secret);
  symlinkSync(join(dir, 'secret.go'), join(checkout, 'linked.go'));
  for (const [name, file] of [
    ['dotdot', '/build/checkout/../secret.go'],
    ['symlink', '/build/checkout/linked.go'],
  ] as const) {
    const snaps = join(dir, name);
    mkdirSync(snaps);
    for (const f of readdirSync(fixture('map-leak')).filter((n) => n.endsWith('.pb.gz'))) {
      writeFileSync(
        join(snaps, f.replace(/\.gz$/, '')),
        renameFunctions(
          readFileSync(fixture('map-leak', f)),
          (fn) => fn,
          (old, fn) => (fn.includes('Remember') ? file : old),
        ),
      );
    }
    const r = leakdiff([snaps, '--source', checkout, '--out', join(dir, `${name}.md`), '--quiet']);
    t.equal(r.code, 1, r.stderr);
    const md = readFileSync(join(dir, `${name}.md`), 'utf8');
    t.match(md, /### Source/, `${name}: the source section is there`);
    t.notMatch(md, /OUTSIDE THE CHECKOUT/, `${name}: the file outside is not shown`);
  }
});
