// The shape of a known leak signature, of the evidence the diagnose stage hands the matcher, and of a match.
// Signatures are data: adding one is adding a table row, never a code branch in the matcher.
function escape(s) {
    return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
/**
 * One piece of evidence from exact normalized function names: matches any of them, or any closure inside
 * them (`newHTTP2Client` also matches `newHTTP2Client.func`, as names.ts spells `func3`).
 */
export function fns(...names) {
    return new RegExp(`^(?:${names.map(escape).join('|')})(?:\\.func)*$`);
}
/** The same names with a common package (or type) prefix: `within('net/http.', '(*persistConn).readLoop')`. */
export function within(prefix, ...names) {
    return fns(...names.map((n) => prefix + n));
}
//# sourceMappingURL=signature.js.map