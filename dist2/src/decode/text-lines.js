// Line-by-line reading of Go's text profile forms, shared by the heap, goroutine and dump parsers.
// Production text forms run to 125 MB, so the cursor scans the one string with indexOf('\n') and hands out
// one line at a time; nothing builds an array of lines.
import { LimitError, MalformedError, quote } from '../errors.js';
import { LIMIT_FLAGS } from '../limits.js';
const CR = 13;
const BOM = 0xfeff;
export class LineCursor {
    text;
    source;
    maxLineLength;
    /** The current line, without its '\n' (or a trailing '\r', for files that passed through Windows tools). */
    line = '';
    /** 1-based number of the current line; 0 before the first next(). */
    lineNo = 0;
    /** True when the current line is the last one and no '\n' ended it: the text was cut mid-line. */
    unterminated = false;
    pos;
    constructor(text, source, maxLineLength) {
        this.text = text;
        this.source = source;
        this.maxLineLength = maxLineLength;
        // A UTF-8 byte order mark decodes to U+FEFF; editors add it, Go never writes it.
        this.pos = text.charCodeAt(0) === BOM ? 1 : 0;
    }
    /** Advance to the next line; false at the end of the text. */
    next() {
        const text = this.text;
        if (this.pos >= text.length)
            return false;
        let end = text.indexOf('\n', this.pos);
        this.unterminated = end < 0;
        if (end < 0)
            end = text.length;
        this.lineNo++;
        if (end - this.pos > this.maxLineLength) {
            throw new LimitError(this.source, 'decode', `line longer than ${this.maxLineLength} characters: ${quote(text.slice(this.pos, this.pos + 40))}; raise ${LIMIT_FLAGS.maxLineLength} if this profile is genuine`, { line: this.lineNo });
        }
        const stop = end > this.pos && text.charCodeAt(end - 1) === CR ? end - 1 : end;
        this.line = text.slice(this.pos, stop);
        this.pos = end + 1;
        return true;
    }
}
/** The first line that is not blank, for sniffers (which see only the first few KiB). */
export function firstLine(head) {
    let pos = head.charCodeAt(0) === BOM ? 1 : 0;
    for (;;) {
        let end = head.indexOf('\n', pos);
        if (end < 0)
            end = head.length;
        const line = head.slice(pos, end).trim();
        if (line !== '' || end >= head.length)
            return line;
        pos = end + 1;
    }
}
/**
 * A decimal count or size from a text profile. Go writes int64; past 2^53 a number would silently round, so
 * such a value is refused like any other non-number: NaN when `digits` is not a count leakdiff can hold exactly.
 */
export function parseCount(digits) {
    if (digits.length === 0 || digits.length > 16)
        return Number.NaN;
    let n = 0;
    for (let i = 0; i < digits.length; i++) {
        const d = digits.charCodeAt(i) - 48;
        if (d < 0 || d > 9)
            return Number.NaN;
        n = n * 10 + d;
    }
    return Number.isSafeInteger(n) ? n : Number.NaN;
}
/** A clause for error messages about the last line when no newline ended it: the likely cause is a cut. */
export function cutShort(cursor) {
    return cursor.unterminated ? ' (the file ends mid-line: it was probably cut short)' : '';
}
/** "My format, but broken" at the cursor's line, quoting it. */
export function malformedLine(source, cursor, what) {
    return new MalformedError(source, 'decode', `${what}: ${quote(cursor.line)}${cutShort(cursor)}`, { line: cursor.lineNo });
}
/**
 * The last index of a character code in `line` at or before `from`, or -1. A charCodeAt loop: V8's
 * String.prototype.lastIndexOf is several times slower on the short sliced lines these parsers look at.
 */
export function lastIndexOfCode(line, code, from = line.length - 1) {
    for (let i = from; i >= 0; i--)
        if (line.charCodeAt(i) === code)
            return i;
    return -1;
}
/**
 * A copy of `s` that does not keep the text it was sliced from alive. V8 represents a slice as a view of its
 * parent, so a frame name sliced from a 125 MB profile would keep all 125 MB in memory for as long as the
 * Snapshot lives. Everything a parser stores in a Snapshot goes through here, once per distinct string.
 */
export function detach(s) {
    return Buffer.from(s, 'utf8').toString('utf8');
}
//# sourceMappingURL=text-lines.js.map