// Typed errors. Every stage throws one of these; only the CLI maps them to an exit code and a single line
// `leakdiff: <file>: <stage>: <what is wrong> (<where>)`.

export type Stage = 'usage' | 'read' | 'inflate' | 'decode' | 'validate' | 'series' | 'analyze' | 'write' | 'collect' | 'config';

/** Where in the input the problem is, when known. */
export type Where = { readonly offset: number } | { readonly line: number } | null;

export abstract class LeakdiffError extends Error {
  abstract readonly code: string;
  constructor(
    readonly file: string | null,
    readonly stage: Stage,
    readonly detail: string,
    readonly where: Where = null,
  ) {
    super(formatMessage(file, stage, detail, where));
    this.name = new.target.name;
  }
}

function formatMessage(file: string | null, stage: Stage, detail: string, where: Where): string {
  const at = where === null ? '' : 'offset' in where ? ` (byte ${where.offset})` : ` (line ${where.line})`;
  // The detail may quote input (a JSON parser's message quotes the bytes it choked on): controls in it are
  // escaped like those in a name, so no message can split its line or drive the terminal.
  return `${file === null ? '' : `${printable(file)}: `}${stage}: ${escapeControls(detail)}${at}`;
}

function escapeControls(text: string): string {
  return text.replace(CONTROL_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The command line asks for something impossible or contradictory. */
export class UsageError extends LeakdiffError {
  readonly code = 'usage';
  constructor(detail: string) {
    super(null, 'usage', detail);
  }
}

/** The content is not any profile form leakdiff reads (HTML, JSON, a PNG, a legacy binary profile...). */
export class UnrecognizedFormatError extends LeakdiffError {
  readonly code = 'unrecognized';
}

/** The content is a form leakdiff knows, but broken: truncated, inconsistent, invalid per pprof's rules. */
export class MalformedError extends LeakdiffError {
  readonly code = 'malformed';
}

/** A resource limit was reached (decompressed size, samples, stack depth, line length...). */
export class LimitError extends LeakdiffError {
  readonly code = 'limit';
}

/** The input is readable but cannot be used for what was asked (a CPU profile given to analyze...). */
export class UnsupportedError extends LeakdiffError {
  readonly code = 'unsupported';
}

/** Reading or writing the file system failed (missing file, permission, output over an input...). */
export class FileError extends LeakdiffError {
  readonly code = 'file';
}

/** The config file (--config, .leakdiff.json) is not valid JSON or breaks its schema. */
export class ConfigError extends LeakdiffError {
  readonly code = 'config';
}

/** Quote a piece of input for an error message: short, printable, unambiguous. */
export function quote(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut).replace(CONTROL_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A file name as it goes into a one-line message: as it is when every character is printable, else quoted
 * with escapes (JSON's), so a newline or ESC in a name can neither split the line nor drive the terminal.
 */
export function printable(name: string): string {
  if (!CONTROL.test(name)) return name;
  return JSON.stringify(name).replace(CONTROL_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators (JSON.stringify escapes only the C0 ones). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

const WHY: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EDQUOT: 'the disk quota is exceeded',
  EIO: 'an input/output error',
};

/** The system's reason in words, with its code: "no space left on the device (ENOSPC)". */
export function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return WHY[code] === undefined ? code : `${WHY[code]} (${code})`;
}
