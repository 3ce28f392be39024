// Just enough Go to place a profiled function in its source file: the name a declaration must carry, the
// span of the declaration that holds a line, and whether a line still calls what the profile says it calls.
// gofmt'd code only: a top-level `func` and its closing brace both start in column 0.

/** A function as Go declares it, from the name the profile spells: receiver type and name, closures removed. */
export interface GoName {
  /** Receiver type without pointer or type parameters (`clusterClient` of `(*clusterClient).getConn`), or null. */
  readonly receiver: string | null;
  /** The declared name; '' for closures of package-level variables (`glob..func1`), which have none. */
  readonly name: string;
  /** True for a closure (`func1`, `func2.3`, `gowrap1`): it lives inside the declaration of `name`. */
  readonly closure: boolean;
}

/** Closure and wrapper tokens Go appends to the enclosing function's name, and nested closure indices. */
const CLOSURE_TOKEN = /^(func|gowrap|deferwrap)\d*$|^\d+$/;

export function goName(fn: string): GoName {
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  const tokens = fn
    .slice(dot + 1)
    .replace(/\[[^\]]*\]/g, '')
    .split('.');
  let closure = false;
  while (tokens.length > 1 && CLOSURE_TOKEN.test(tokens[tokens.length - 1])) {
    tokens.pop();
    closure = true;
  }
  if (tokens.length >= 2) return { receiver: tokens[0].replace(/[()*]/g, ''), name: tokens[1], closure };
  return { receiver: null, name: tokens[0], closure };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Does this line declare the function? `func (c *clusterClient) getConn(`, `func New[K comparable](`. */
export function declares(text: string, name: GoName): boolean {
  if (name.name === '') return /^(var\s|func\s)/.test(text);
  const fn = escape(name.name);
  if (name.receiver === null) return new RegExp(`^func\\s+${fn}\\s*[[(]`).test(text);
  return new RegExp(`^func\\s*\\(\\s*(\\w+\\s+)?\\*?\\s*${escape(name.receiver)}\\s*(\\[[^\\]]*\\])?\\s*\\)\\s*${fn}\\s*[[(]`).test(text);
}

/**
 * Lines [start, end], 1-based, of the top-level declaration that holds `line`, or null when none does. A
 * function ends at the first `}` in column 0 (a multi-line signature's `) error {` does not end it); a
 * `var (` block, where package-level closures live, at its `)`.
 */
export function declarationAround(lines: readonly string[], line: number): { start: number; end: number } | null {
  let start = Math.min(line, lines.length);
  while (start >= 1 && !/^(func|var)\b/.test(lines[start - 1])) start--;
  if (start < 1) return null;
  if (isOneLiner(lines[start - 1])) return { start, end: start };
  const closing = lines[start - 1].startsWith('func') ? /^}/ : /^[})]/;
  let end = start + 1;
  while (end <= lines.length && !closing.test(lines[end - 1])) end++;
  return end > lines.length ? null : { start, end };
}

/** `func f() { return 1 }`: braces balanced on the declaration's own line (strings are rare enough here). */
function isOneLiner(text: string): boolean {
  const open = text.split('{').length - 1;
  return open > 0 && open === text.split('}').length - 1 && text.trimEnd().endsWith('}');
}

/**
 * Does the line (or the call it continues, up to a few lines above) name the callee? Go 1.19 attributes a
 * call spread over several lines to the line of its name; in case a compiler picks a later one, the lines
 * above are read while they end inside an argument list (`(` or `,`), and no further.
 */
export function callsAt(lines: readonly string[], line: number, callee: string): boolean {
  const word = new RegExp(`\\b${escape(callee)}\\b`);
  for (let l = line; l >= 1 && l > line - 6; l--) {
    if (word.test(lines[l - 1])) return true;
    if (l < line && !/[(,]\s*(\/\/.*)?$/.test(lines[l - 1])) return false;
  }
  return false;
}
