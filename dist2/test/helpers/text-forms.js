// Reading the real Go text captures in fixtures/text-forms/ and looking at what the text parsers made of them,
// by function name rather than by frame index.
import { readFileSync } from 'node:fs';
import { stackOf } from '../../src/decode/builder.js';
import { fixture } from './paths.js';
/** A capture from fixtures/text-forms/ (see fixtures/gen/text-forms/README.md for how each was made). */
export function capture(name) {
    return readFileSync(fixture('text-forms', name), 'utf8');
}
/** `main.recv main.go:53 inlined`: a frame as a test reads it, with the file's base name. */
export function frameText(f) {
    return `${f.function} ${f.file.slice(f.file.lastIndexOf('/') + 1)}:${f.line}${f.inlined ? ' inlined' : ''}`;
}
/** Sample i's stack, leaf first, as frameText strings. */
export function stackText(s, i) {
    return Array.from(stackOf(s, i), (k) => frameText(s.frames[k]));
}
/** Sample i's values, one per sample type. */
export function valuesOf(s, i) {
    const n = s.sampleTypes.length;
    return Array.from(s.values.subarray(i * n, (i + 1) * n));
}
/** The index of the first sample whose leaf frame is `func` (throws when there is none: the test is wrong). */
export function sampleWithLeaf(s, func, from = 0) {
    for (let i = from; i < s.sampleCount; i++) {
        const stack = stackOf(s, i);
        if (stack.length > 0 && s.frames[stack[0]].function === func)
            return i;
    }
    throw new Error(`no sample with leaf ${func}`);
}
/** The sum of the values of sample type t over all samples. */
export function total(s, t = 0) {
    let sum = 0;
    for (let i = 0; i < s.sampleCount; i++)
        sum += s.values[i * s.sampleTypes.length + t];
    return sum;
}
/** What `fn` threw (the test fails if it threw nothing). */
export function thrown(fn) {
    try {
        fn();
    }
    catch (e) {
        if (e instanceof Error)
            return e;
        throw e;
    }
    throw new Error('expected an error, none was thrown');
}
/** Replace the 1-based line `n` of `text` (the tests break real captures one line at a time). */
export function withLine(text, n, replacement) {
    const lines = text.split('\n');
    lines[n - 1] = replacement;
    return lines.join('\n');
}
/** The 1-based number of the first line of `text` that starts with `prefix`. */
export function lineOf(text, prefix) {
    const i = text.split('\n').findIndex((l) => l.startsWith(prefix));
    if (i < 0)
        throw new Error(`no line starts with ${prefix}`);
    return i + 1;
}
//# sourceMappingURL=text-forms.js.map