// The frames of a goroutine dump: a function line and the file line under it,
//
//	main.blockRecv(0xc000012345, {0x4b2e, 0x5}, 0x1?)
//		/src/app/main.go:56 +0x27 fp=0xc000039fc8 sp=0xc000039f90 pc=0x4ea34b
//
// interned through the builder. A 64 MiB dump holds over a million frame lines naming a few thousand frames,
// so each `path:line` is looked up in a cache before the builder is asked: one hash of a slice of the line and
// a comparison of the function name, instead of building the builder's key string for every line.
import { detach, lastIndexOfCode } from './text-lines.js';
const TAB = 9;
const SPACE = 32;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const OPEN_PAREN = 40;
const DOT = 46;
export class DumpFrames {
    builder;
    /** Keyed by `path:line` as the file line spells it. */
    cache = new Map();
    /** Where the last file line accepted by isFileLine keeps its colon and the end of its line number. */
    colon = -1;
    digitsEnd = -1;
    constructor(builder) {
        this.builder = builder;
    }
    /**
     * Is this `\tpath:N`, optionally followed by ` +0xoff` and ` fp=.. sp=.. pc=..`? The suffixes hold no colon,
     * so the last colon is the line number's (a Windows path's `C:` comes before it).
     */
    isFileLine(line) {
        if (line.charCodeAt(0) !== TAB)
            return false;
        const colon = lastIndexOfCode(line, COLON);
        let end = colon + 1;
        while (end < line.length && line.charCodeAt(end) >= ZERO && line.charCodeAt(end) <= NINE)
            end++;
        const digits = end - colon - 1;
        if (colon < 1 || digits === 0 || digits > 9 || (end < line.length && line.charCodeAt(end) !== SPACE))
            return false;
        this.colon = colon;
        this.digitsEnd = end;
        return true;
    }
    /** The frame of a function line (paren: see argsOpen) and the file line isFileLine last accepted. */
    frame(funcLine, paren, fileLine) {
        // `(...)` marks a call inlined into the frame after it.
        const inlined = paren === funcLine.length - 5 && funcLine.charCodeAt(paren + 1) === DOT && funcLine.charCodeAt(paren + 3) === DOT;
        const place = fileLine.slice(1, this.digitsEnd);
        const first = this.cache.get(place) ?? null;
        if (first !== null) {
            const func = funcLine.slice(0, paren);
            for (let c = first; c !== null; c = c.next) {
                if (c.inlined === inlined && c.func === func)
                    return c.index;
            }
        }
        const func = detach(funcLine.slice(0, paren));
        const index = this.builder.frame(func, detach(fileLine.slice(1, this.colon)), this.lineNumber(fileLine), inlined);
        this.cache.set(place, { func, inlined, index, next: first });
        return index;
    }
    /** The frame of a `created by` line's function and the file line isFileLine last accepted. */
    creator(func, fileLine) {
        return this.builder.frame(detach(func), detach(fileLine.slice(1, this.colon)), this.lineNumber(fileLine));
    }
    lineNumber(fileLine) {
        let n = 0;
        for (let i = this.colon + 1; i < this.digitsEnd; i++)
            n = n * 10 + fileLine.charCodeAt(i) - ZERO;
        return n;
    }
}
/**
 * Where the argument list of a function line `pkg.(*T).fn[...](0xc000123, {0x4b2e, 0x5}, 0x1?)` opens, or -1.
 * Argument words never contain '(', so it is the last '(' (names may hold parentheses and brackets).
 */
export function argsOpen(line) {
    return lastIndexOfCode(line, OPEN_PAREN);
}
//# sourceMappingURL=dump-frames.js.map