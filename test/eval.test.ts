// The fixture evaluation is a golden file: fixtures/EVAL.md must be exactly what the current leakdiff makes from
// the committed captures, so a change that makes any row wrong (or right) shows in review and fails CI until the
// table is regenerated (`npm run golden`, or `npm run eval -- --write` for this file alone) and looked at.

import t from 'tap';
import { EVAL_MD, LEGACY_DIR, MATRIX_DIR, cacheEvalMarkdown, cachedEvalMarkdown, evalMarkdown, runEval } from './eval/run.js';
import { loadMatrix } from './eval/matrix.js';
import { matchesGolden } from './helpers/golden.js';

const captured = loadMatrix(MATRIX_DIR, LEGACY_DIR).length > 0;
// About 350 runs of the command (a few CPU-minutes); a loaded machine stretches that far past tap's default.
t.setTimeout(30 * 60_000);

t.test(
  'fixtures/EVAL.md is what the current leakdiff gives on the matrix',
  { skip: captured ? false : `no captured scenarios under ${MATRIX_DIR}` },
  async (t) => {
    // `npm run eval` on this very build and these captures leaves its table behind (digest-checked, see run.ts):
    // the evaluation is deterministic, so that table is what a new run would make.
    const cached = cachedEvalMarkdown();
    if (cached !== null) t.comment('the last whole `npm run eval` was made from this exact build and these captures: its table is used');
    const made = cached ?? evalMarkdown(await runEval());
    if (cached === null) cacheEvalMarkdown(made);
    matchesGolden(t, EVAL_MD, made);
  },
);
