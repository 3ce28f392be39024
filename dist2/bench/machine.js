// Facts about the machine and tools of a run, recorded beside the figures: a figure without them means little.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { availableParallelism } from 'node:os';
export function goVersion() {
    const r = spawnSync('go', ['version'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
}
export function machine(rssMethod) {
    return {
        date: new Date().toISOString(),
        nproc: availableParallelism(),
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryBytes: totalmem(),
        node: process.version,
        go: goVersion(),
        rssMethod,
    };
}
//# sourceMappingURL=machine.js.map