// Typed errors. Every stage throws one of these; only the CLI maps them to an exit code and a single line
// `leakdiff: <file>: <stage>: <what is wrong> (<where>)`.
export class LeakdiffError extends Error {
    file;
    stage;
    detail;
    where;
    constructor(file, stage, detail, where = null) {
        super(formatMessage(file, stage, detail, where));
        this.file = file;
        this.stage = stage;
        this.detail = detail;
        this.where = where;
        this.name = new.target.name;
    }
}
function formatMessage(file, stage, detail, where) {
    const at = where === null ? '' : 'offset' in where ? ` (byte ${where.offset})` : ` (line ${where.line})`;
    return `${file === null ? '' : `${file}: `}${stage}: ${detail}${at}`;
}
/** The command line asks for something impossible or contradictory. */
export class UsageError extends LeakdiffError {
    code = 'usage';
    constructor(detail) {
        super(null, 'usage', detail);
    }
}
/** The content is not any profile form leakdiff reads (HTML, JSON, a PNG, a legacy binary profile...). */
export class UnrecognizedFormatError extends LeakdiffError {
    code = 'unrecognized';
}
/** The content is a form leakdiff knows, but broken: truncated, inconsistent, invalid per pprof's rules. */
export class MalformedError extends LeakdiffError {
    code = 'malformed';
}
/** A resource limit was reached (decompressed size, samples, stack depth, line length...). */
export class LimitError extends LeakdiffError {
    code = 'limit';
}
/** The input is readable but cannot be used for what was asked (a CPU profile given to analyze...). */
export class UnsupportedError extends LeakdiffError {
    code = 'unsupported';
}
/** Reading or writing the file system failed (missing file, permission, output over an input...). */
export class FileError extends LeakdiffError {
    code = 'file';
}
/** Quote a piece of input for an error message: short, printable, unambiguous. */
export function quote(text, max = 60) {
    const cut = text.length > max ? `${text.slice(0, max)}…` : text;
    return JSON.stringify(cut);
}
//# sourceMappingURL=errors.js.map