// Golden files, one way: a test compares what the code makes with the committed file byte for byte, and only
// `npm run golden` (which sets UPDATE_GOLDEN=1 for the tests that call this) rewrites them. A missing golden
// fails: writing it on the spot would let a test pass that has never been looked at (pprof's testdata goldens
// work the same way, behind an explicit update flag).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Test } from 'tap';
import { ROOT } from './paths.js';

/** True while `npm run golden` runs the golden tests: they rewrite their files instead of only comparing. */
export const UPDATING = process.env.UPDATE_GOLDEN === '1';

/**
 * Compares `made` with the golden file at `path` (absolute). Under `npm run golden` the file is rewritten first,
 * so the comparison holds and `git diff` shows what changed; otherwise a missing file is a failure.
 */
export function matchesGolden(t: Test, path: string, made: string): void {
  const name = relative(ROOT, path);
  if (UPDATING) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, made);
  }
  if (!existsSync(path)) {
    t.fail(`${name} is missing: make it with \`npm run golden\` and review it before committing`);
    return;
  }
  t.equal(made, readFileSync(path, 'utf8'), `byte for byte equal to ${name} (\`npm run golden\` regenerates; review the diff)`);
}

/** Like matchesGolden, for a file another command makes (`npm run golden` runs that command): never written here. */
export function matchesMadeFile(t: Test, path: string, made: string, by: string): void {
  const name = relative(ROOT, path);
  if (!existsSync(path)) {
    t.fail(`${name} is missing: \`${by}\` makes it (so does \`npm run golden\`)`);
    return;
  }
  t.equal(readFileSync(path, 'utf8'), made, `${name} is what \`${by}\` makes today (\`npm run golden\` regenerates)`);
}
