// The fixture evaluation is a golden file: fixtures/EVAL.md must be exactly what `npm run eval -- --write`
// makes from the committed captures and the current leakdiff, so a change that makes any row wrong (or right)
// shows in review and fails CI until the table is regenerated and the change is looked at.
import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { EVAL_MD, LEGACY_DIR, MATRIX_DIR, evalMarkdown, runEval } from './eval/run.js';
import { loadMatrix } from './eval/matrix.js';
const captured = loadMatrix(MATRIX_DIR, LEGACY_DIR).length > 0;
t.test('fixtures/EVAL.md is what the current leakdiff gives on the matrix', { skip: captured ? false : `no captured scenarios under ${MATRIX_DIR}` }, async (t) => {
    t.ok(existsSync(EVAL_MD), 'fixtures/EVAL.md exists (make it with npm run eval -- --write)');
    const rows = await runEval();
    const made = evalMarkdown(rows);
    const committed = existsSync(EVAL_MD) ? readFileSync(EVAL_MD, 'utf8') : '';
    t.equal(made, committed, 'regenerate with `npm run eval -- --write` and review the rows that changed');
});
//# sourceMappingURL=eval.test.js.map