// Writing reports: never over an input, never half-written. Each output goes to a temporary file beside its
// destination and is renamed into place only when every output has been written, so a failed run leaves
// nothing behind.
import { appendFileSync, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { FileError } from './errors.js';
export function writeOutputs(outputs, inputs) {
    const inputSet = new Set(inputs.map((p) => resolve(p)));
    for (const o of outputs) {
        if (inputSet.has(resolve(o.path)))
            throw new FileError(o.path, 'write', 'is one of the input snapshots; refusing to overwrite it');
        const dir = dirname(resolve(o.path));
        if (!existsSync(dir) || !statSync(dir).isDirectory())
            throw new FileError(o.path, 'write', `the directory ${dirname(o.path)} does not exist`);
    }
    const temps = [];
    try {
        for (const o of outputs) {
            const tmp = `${o.path}.${randomBytes(4).toString('hex')}.tmp`;
            writeFileSync(tmp, o.text);
            temps.push(tmp);
        }
        outputs.forEach((o, i) => renameSync(temps[i], o.path));
    }
    catch (err) {
        for (const t of temps)
            rmSync(t, { force: true });
        throw new FileError(outputs[temps.length]?.path ?? outputs[0].path, 'write', `cannot be written (${err.code ?? 'error'})`);
    }
}
/** Appends to a file someone else owns (GITHUB_STEP_SUMMARY): not ours to replace atomically. */
export function appendSummary(path, text) {
    try {
        appendFileSync(path, `${text}\n`);
    }
    catch (err) {
        throw new FileError(path, 'write', `cannot append the job summary (${err.code ?? 'error'})`);
    }
}
//# sourceMappingURL=write.js.map