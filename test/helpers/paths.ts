// Paths for tests, resolved from this file (compiled to dist/test/helpers/) so tests run from any cwd.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = resolve(ROOT, 'fixtures');
export const CORPUS = resolve(ROOT, '../shared/corpus');
export const BENCH = resolve(ROOT, '../shared/bench');
export const CLI = resolve(ROOT, 'dist/src/cli.js');

/**
 * The team's external corpus sits beside the checkout (`../shared`), not in it: a fresh clone without it runs
 * every other test, and the tests that read it skip with this reason.
 */
export const HAS_CORPUS = existsSync(CORPUS);
export const NEEDS_CORPUS: string | false = HAS_CORPUS ? false : `needs ${CORPUS} (the external corpus beside the checkout), which is not there`;
/** Whether a path is in the external corpus, for tables that mix corpus files with our own fixtures. */
export const inCorpus = (path: string): boolean => path.startsWith(`${CORPUS}/`);

export function fixture(...parts: string[]): string {
  return resolve(FIXTURES, ...parts);
}
