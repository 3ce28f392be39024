// Paths for tests, resolved from this file (compiled to dist/test/helpers/) so tests run from any cwd.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = resolve(ROOT, 'fixtures');
export const CORPUS = resolve(ROOT, '../shared/corpus');
export const BENCH = resolve(ROOT, '../shared/bench');
export const CLI = resolve(ROOT, 'dist/src/cli.js');
export function fixture(...parts) {
    return resolve(FIXTURES, ...parts);
}
//# sourceMappingURL=paths.js.map