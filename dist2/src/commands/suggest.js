// "Did you mean": `leakdiff inspct x` reaches the default command with `inspct` as a file name.
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
const COMMANDS = ['analyze', 'inspect', 'collect'];
/** Edit distance between two short strings. */
export function distance(a, b) {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++)
        d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++)
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    return d[a.length][b.length];
}
export function checkMistypedCommand(first) {
    if (first === undefined || existsSync(first))
        return;
    const near = COMMANDS.find((c) => distance(first, c) <= 2);
    if (near !== undefined)
        throw new UsageError(`unknown command ${JSON.stringify(first)}; did you mean ${JSON.stringify(near)}?`);
}
//# sourceMappingURL=suggest.js.map