// The report in a terminal: marked with marked-terminal, loaded only here and only when a terminal is what
// we print to (it adds about 0.3 s to start-up). Colour follows NO_COLOR, FORCE_COLOR and --no-color; with
// colour off every style is the identity and cli-table3's head and border styles are emptied (measured:
// marked-terminal 7.3 tables emit colour codes even with NO_COLOR=1 otherwise), and any escape code that
// still slips through is stripped.

export interface TerminalOptions {
  readonly color: boolean;
  readonly width: number;
}

import type { Tokens } from 'marked';

const STYLES = [
  'code',
  'blockquote',
  'html',
  'heading',
  'firstHeading',
  'hr',
  'listitem',
  'table',
  'paragraph',
  'strong',
  'em',
  'codespan',
  'del',
  'link',
  'href',
];
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Styles from a chalk instance at an explicit level: leakdiff decides about colour (wantsColor), not chalk's
 * own detection, which says no in CI and under some terminals even when FORCE_COLOR or a TTY says yes.
 */
async function styles(color: boolean): Promise<Record<string, (text: string) => string>> {
  if (!color) return Object.fromEntries(STYLES.map((s) => [s, (text: string) => text]));
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level: 1 });
  return {
    code: c.yellow,
    blockquote: c.gray.italic,
    html: c.gray,
    heading: c.green.bold,
    firstHeading: c.magenta.underline.bold,
    hr: c.reset,
    listitem: c.reset,
    table: c.reset,
    paragraph: c.reset,
    strong: c.bold,
    em: c.italic,
    codespan: c.yellow,
    del: c.dim.gray.strikethrough,
    link: c.blue,
    href: c.blue.underline,
  };
}

export async function renderTerminal(markdown: string, opts: TerminalOptions): Promise<string> {
  const [{ Marked }, { markedTerminal }] = await Promise.all([import('marked'), import('marked-terminal')]);
  const width = Math.max(MIN_WIDTH, Math.min(opts.width || 80, 140));
  const layout = tableLayout();
  const options = {
    ...(await styles(opts.color)),
    width,
    reflowText: true,
    emoji: false,
    tab: 2,
    tableOptions: layout.options(opts.color),
  };
  const marked = new Marked(markedTerminal(options, { ignoreIllegals: true }), {
    renderer: {
      // marked-terminal prints a tight list item's raw text, backslash escapes and all ("(\*T).f"): its inline
      // tokens are rendered instead.
      text(token: Tokens.Text | Tokens.Escape): string | false {
        return 'tokens' in token && token.tokens !== undefined ? this.parser.parseInline(token.tokens) : false;
      },
      // Widths for this table, read by marked-terminal's own table renderer through layout.options.
      table(token: Tokens.Table): string | false {
        const cells = [token.header, ...token.rows].map((row) => row.map((c) => this.parser.parseInline(c.tokens)));
        const fits = layout.fit(
          cells.map((r) => r.map(visible)),
          width,
        );
        return fits || token.rows.length > MAX_RECORDS ? false : records(cells, width);
      },
    },
  });
  const out = wrapListItems(await marked.parse(markdown), width);
  return opts.color ? out : out.replace(ANSI, '');
}

/** A table too narrow for its words and short enough is shown as records, one field a line, instead. */
const MAX_RECORDS = 5;

/**
 * The narrow layout: each row a record, its first cell as the label and each other cell under its column's
 * name, the values wrapped at word boundaries beside the names.
 */
function records(cells: readonly (readonly string[])[], width: number): string {
  const [header, ...rows] = cells;
  const names = header.map(visible);
  const key = Math.max(...names.slice(1).map((n) => Array.from(n).length)) + 2;
  const out: string[] = [];
  for (const row of rows) {
    out.push(`  ${names[0] === '' ? row[0] : `${names[0]} ${row[0]}`}`);
    for (let i = 1; i < row.length; i++) {
      const lines = wrapWords(row[i] ?? '', Math.max(10, width - 4 - key));
      lines.forEach((l, j) => out.push(`    ${(j === 0 ? names[i] : '').padEnd(key)}${l}`));
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** Words (ANSI codes inside them kept) in lines of at most `max` visible characters; a longer word stands alone. */
function wrapWords(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (line !== '' && Array.from(visible(`${line} ${word}`)).length > max) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/**
 * marked-terminal leaves list items unwrapped (reflowText covers paragraphs): an item line wider than the
 * terminal ("  1. 7 goroutine groups ...") is wrapped with its text aligned under the item's first word.
 */
function wrapListItems(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => {
      const m = /^(\s*(?:\d+\.|[*•-]) )/.exec(visible(line));
      if (m === null || Array.from(visible(line)).length <= width) return [line];
      const indent = ' '.repeat(m[1].length);
      const lines = wrapWords(line.slice(line.indexOf(m[1].trimStart()) + m[1].trimStart().length), width - m[1].length);
      return lines.map((l, i) => `${i === 0 ? m[1] : indent}${l}`);
    })
    .join('\n');
}

/** Narrower than this, nothing reads well; a table is laid out for at least this many columns. */
const MIN_WIDTH = 40;
/** A column is never squeezed below this (padding included), nor below its longest word where room allows. */
const MIN_COLUMN = 6;

const visible = (s: string): string => s.replace(ANSI, '');

/**
 * Column widths so a table fits the terminal: marked-terminal passes one tableOptions object to cli-table3
 * for every table (copied with Object.assign at each table, which reads getters), so the widths of the table
 * being rendered are set just before it is, by the table renderer above. A table that fits keeps cli-table3's
 * own widths; one that does not has its widest columns narrowed first and wrapped at word boundaries. When
 * even its longest words cannot fit, fit() says so: a short table is then shown as records (above), a long
 * one wrapped mid-word.
 */
function tableLayout(): { options: (color: boolean) => Record<string, unknown>; fit: (cells: readonly (readonly string[])[], width: number) => boolean } {
  let colWidths: number[] | undefined;
  let byWords = true;
  let coloured = false;
  return {
    options: (color) => (
      (coloured = color),
      {
        ...(color ? {} : { style: { head: [], border: [] } }),
        get colWidths(): number[] {
          return colWidths ?? [];
        },
        get wordWrap(): boolean {
          return colWidths !== undefined;
        },
        // cli-table3's mid-word wrap slices the raw string, escape codes and all (measured: a stray ESC in
        // the coloured view); with colour a word too long for its column is cut with an ellipsis instead.
        get wrapOnWordBoundary(): boolean {
          return byWords || coloured;
        },
      }
    ),
    fit: (cells, width) => {
      const n = Math.max(...cells.map((r) => r.length));
      const len = (s: string): number => Array.from(s).length;
      const natural = Array.from({ length: n }, (_, i) => Math.max(1, ...cells.map((r) => len(r[i] ?? ''))) + 2);
      const words = Array.from({ length: n }, (_, i) => Math.max(1, ...cells.flatMap((r) => (r[i] ?? '').split(/\s+/).map(len))) + 2);
      const room = width - (n + 1);
      if (natural.reduce((a, b) => a + b, 0) <= room) {
        colWidths = undefined;
        return true;
      }
      byWords = words.reduce((a, b) => a + Math.min(b, room), 0) <= room;
      const floor = natural.map((w, i) => Math.min(w, byWords ? Math.max(MIN_COLUMN, words[i]) : MIN_COLUMN));
      colWidths = waterFill(natural, floor, room);
      return byWords;
    },
  };
}

/** The widest columns narrowed to a common cap until the sum fits, none below its floor. */
function waterFill(natural: readonly number[], floor: readonly number[], room: number): number[] {
  let lo = 0;
  let hi = Math.max(...natural);
  const total = (cap: number): number => natural.reduce((a, w, i) => a + Math.max(floor[i], Math.min(w, cap)), 0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(mid) <= room) lo = mid;
    else hi = mid - 1;
  }
  const widths = natural.map((w, i) => Math.max(floor[i], Math.min(w, lo)));
  // What the cap left over goes to the columns it cut, left to right.
  let spare = room - widths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    const add = Math.min(spare, natural[i] - widths[i]);
    if (add > 0) {
      widths[i] += add;
      spare -= add;
    }
  }
  return widths;
}

/**
 * --color / --no-color decide when given; else FORCE_COLOR forces colour on (also into a pipe), NO_COLOR and
 * TERM=dumb turn it off, and a terminal gets it.
 */
export function wantsColor(env: Readonly<Record<string, string | undefined>>, isTTY: boolean, flag: boolean | null): boolean {
  if (flag !== null) return flag;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
