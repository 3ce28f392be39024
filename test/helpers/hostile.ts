// Hostile names and the checks that every output shows them without obeying them: the Markdown rendered to
// HTML holds only the elements the report means (no script, no image but the chart, no handler attribute,
// no heading the data made); no output holds a control character; the SVG has only its own elements; each
// shell command, run by a real sh with `go tool pprof` replaced by a printer, yields exactly the words it
// should, and runs nothing (a canary file would appear).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Marked } from 'marked';

/** Pieces that break a context each: shell quotes and substitutions, HTML, Markdown blocks and tables, terminal escapes. */
export const PAYLOADS: readonly string[] = [
  "'",
  '`',
  '$(',
  '"',
  '\\',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '|',
  '\n# Injected heading\n',
  '```',
  '~~~',
  '\r',
  '\t',
  '\u001b[2J',
  '\u001b]0;title\u0007',
  '*',
  '_',
  '[x](javascript:alert(1))',
  '&lt;',
  '<!--',
  ']]>',
  '\u2028',
  '\u009b31m',
  '-',
];

/** A name for a shell canary: a command that creates `canary` if any quoting fails. */
export function canaryPayload(canary: string): string {
  return `'$(touch ${canary})\`touch ${canary}\`;touch ${canary}'`;
}

const ALLOWED = new Set([
  'h1',
  'h2',
  'h3',
  'p',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'code',
  'pre',
  'strong',
  'em',
  'ol',
  'ul',
  'li',
  'blockquote',
  'img',
  'sub',
  'br',
  'hr',
  'details',
  'summary',
]);
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** What is wrong with a Markdown report: each a sentence, none when it is safe. */
export function markdownProblems(md: string, expectedHeadings: number | null = null): string[] {
  const out: string[] = [];
  if (CONTROL.test(md)) out.push(`a control character in the Markdown: ${JSON.stringify(CONTROL.exec(md)?.[0])}`);
  const html = new Marked({ gfm: true }).parse(md, { async: false });
  for (const m of html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    const [tag, name, attrs] = m;
    if (!ALLOWED.has(name.toLowerCase())) out.push(`an element the report does not mean: ${tag}`);
    if (/\son\w+\s*=/i.test(attrs)) out.push(`a handler attribute: ${tag}`);
    if (name === 'img' && !/^\s*src="[^"]*\.svg"\s+alt="[^"]*"\s*\/?$/.test(attrs)) out.push(`an image other than the chart: ${tag}`);
  }
  const headings = (html.match(/<h[1-6]/g) ?? []).length;
  if (expectedHeadings !== null && headings !== expectedHeadings) out.push(`${headings} headings, not ${expectedHeadings}`);
  return out;
}

/** What is wrong with the SVG chart. */
export function svgProblems(svg: string): string[] {
  const out: string[] = [];
  if (CONTROL.test(svg.replace(/[\n\r\t]/g, ''))) out.push('a control character in the SVG');
  for (const m of svg.matchAll(/<(\/?)([^\s>/]*)/g))
    if (!/^(\?xml|svg|title|desc|text|tspan|g|rect|line|path|polyline|polygon|circle|defs|style|clipPath|use)$/.test(m[2]))
      out.push(`an element the chart does not draw: <${m[1]}${m[2]}`);
  return out;
}

/** The shell commands of the report's ```sh blocks. */
export function shellCommands(md: string): string[] {
  const out: string[] = [];
  for (const m of md.matchAll(/^(`{3,})sh\n([\s\S]*?)\n\1$/gm)) out.push(...m[2].split('\n').filter((l) => l.startsWith('go tool pprof ')));
  return out;
}

/**
 * The words a POSIX sh reads from a command line, `go tool pprof` left out: the line is run with a function
 * in its place that prints each argument, so an unquoted substitution would run (and touch the canary).
 */
export function shellWords(line: string): string[] {
  const script = `pprof() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${line.replace(/^go tool pprof /, 'pprof ')}\n`;
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 10_000 });
  return r.stdout.split('\0').slice(0, -1);
}

export function canaryTouched(canary: string): boolean {
  return existsSync(canary);
}
