// Escaping, one function per context, for everything that comes from the input: function and file names,
// label values, titles of a baseline run. Profiles are data anyone can write, and the report is pasted into
// pull requests (Markdown, HTML), `cat`ed in a terminal, and its commands pasted into a shell. Every renderer
// takes its escaping from here; none writes its own.
//
// The contexts: Markdown inline text (CommonMark's backslash escapes, section 2.4, for every ASCII
// punctuation character that starts markup), a code span (a backtick fence longer than any run inside,
// CommonMark 6.1), a fenced code block (a fence longer than any inside, 4.5), a GFM table cell (`\|`, even
// inside a code span), HTML and XML text and attributes, and POSIX sh words (single quotes, inside which
// nothing is special but the quote itself). In every context a control character (ESC clears a terminal
// when the file is `cat`ed, a newline starts a heading) is shown as its `\uXXXX` escape, never written.

/** C0 controls but tab, DEL, C1 controls, and the Unicode line and paragraph separators. */
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
const CONTROLS_AND_TAB = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const visible = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Control characters shown as `\u001b`; a tab too unless `keepTabs` (source code in a code block). */
export function noControls(text: string, keepTabs = false): string {
  return text.replace(keepTabs ? CONTROLS : CONTROLS_AND_TAB, visible);
}

export function hasControls(text: string): boolean {
  return new RegExp(CONTROLS_AND_TAB.source).test(text);
}

/** Markup characters of inline Markdown and GFM: emphasis, code, links and images, raw HTML, strikethrough, entities. */
const INLINE = /[\\`*_[\]<>~&|]/g;
/** What makes a block when it starts a line: headings, quotes, lists, setext underlines, thematic breaks. */
const LINE_START = /^(\s*)([#>+=-]|\d+(?=[.)]))/;

/**
 * Text from the input inside a sentence, a heading, a list item or a table cell: shown as written, never
 * read as markup. Newlines become spaces (a line cannot be split to start a heading or a fence).
 */
export function mdText(text: string): string {
  const flat = text.replace(/\r\n?|\n/g, ' ');
  const escaped = flat
    .replace(INLINE, '\\$&')
    .replace(LINE_START, (_m, space: string, mark: string) => (/^\d/.test(mark) ? `${space}${mark}\\` : `${space}\\${mark}`));
  // A digit run escaped at the start leaves its `.` or `)` after the backslash: `1\.`, which CommonMark reads as text.
  return noControls(escaped);
}

/** A code span: a fence of more backticks than the longest run inside, padded when the text touches a backtick. */
export function mdCode(text: string): string {
  const flat = noControls(text.replace(/\r\n?|\n/g, ' '));
  const longest = Math.max(0, ...Array.from(flat.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 || flat.startsWith(' ') || flat.endsWith(' ') ? ' ' : '';
  return flat === '' ? '` `' : `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block: the fence longer than any backtick run in the lines, every line free of controls. */
export function mdFence(info: string, lines: readonly string[]): string[] {
  // A newline inside one of the lines is data (a name holding one): shown as `\u000a`, it cannot start a line.
  const clean = lines.map((l) => noControls(l, true));
  const longest = Math.max(2, ...clean.map((l) => Math.max(0, ...Array.from(l.matchAll(/`+/g), (m) => m[0].length))));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${info}`, ...clean, fence];
}

/** A GFM table cell holding already-escaped inline Markdown: a pipe is escaped even inside a code span. */
export function mdCell(inline: string): string {
  return noControls(inline.replace(/\r\n?|\n/g, ' ')).replace(/(?<!\\)\|/g, '\\|');
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * HTML or XML text and attribute values: the five markup characters as entities; what XML 1.0 forbids (C0
 * controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF) and what drives a terminal when the file is
 * `cat`ed (DEL, C1 controls), and the line and paragraph separators that split a line read by line-oriented
 * tools, as U+FFFD, so the SVG stays well-formed and inert.
 */
export function xml(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    )
    .replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Characters a POSIX shell leaves alone in a word. */
const SHELL_SAFE = /^[\w@%+=:,./-]+$/;

/**
 * One POSIX sh word: as it is when nothing in it is special, else in single quotes (inside which only the
 * quote itself needs care: `'\''`). A word starting with `-` is made a path (`./-x`) when `path` says it is
 * one, so a command does not read it as a flag. Null for text with control characters: no quoting makes a
 * newline or ESC safe to paste, so the caller leaves that command out and says why.
 */
export function shellWord(text: string, opts: { path?: boolean; quote?: boolean } = {}): string | null {
  if (hasControls(text)) return null;
  const word = opts.path === true && text.startsWith('-') ? `./${text}` : text;
  if (opts.quote !== true && SHELL_SAFE.test(word) && !word.startsWith('-')) return word;
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/** A regular expression matching exactly this text (Go's RE2 syntax, as pprof's -focus and -list read it). */
export function exactRegex(text: string): string {
  return `^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}
