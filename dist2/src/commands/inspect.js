// `leakdiff inspect FILE...`: read and decode each file and describe it. Takes options, returns output text.
import { decode } from '../decode/index.js';
import { formatInspect, inspectRow } from '../inspect.js';
import { findInputs, load } from '../read.js';
export function runInspect(opts) {
    const rows = [];
    for (const file of findInputs(opts.files)) {
        const input = load(file, opts.limits);
        const { parts, compressed } = decode(file.path, input.bytes, opts.limits);
        for (const snapshot of parts)
            rows.push(inspectRow(snapshot, file, compressed));
    }
    const stdout = opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatInspect(rows);
    return { stdout, rows };
}
//# sourceMappingURL=inspect.js.map