// Parse rate of one uncompressed Go text profile (goroutine?debug=2, heap?debug=1): the file is read first,
// then only decode() is timed, so the figure is the parser's, not the disk's or node's start-up.
// Prints one JSON line. When no text parser claims the file yet, it says so ("available": false) instead of
// failing, so the bench can run while the text forms are still being written.
// Usage: node dist/bench/child/parse-text.js FILE
import { readFileSync } from 'node:fs';
import { decode } from '../../src/decode/index.js';
import { LeakdiffError, UnrecognizedFormatError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
const path = process.argv[2];
const bytes = readFileSync(path);
const start = process.hrtime.bigint();
let result;
try {
    const { snapshot } = decode(path, bytes, DEFAULT_LIMITS);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    result = {
        available: true,
        bytes: bytes.length,
        seconds,
        mibPerSecond: bytes.length / (1 << 20) / seconds,
        form: snapshot.form,
        kind: snapshot.kind,
        samples: snapshot.sampleCount,
        declaredTotal: snapshot.declaredTotal,
        truncation: snapshot.truncation,
        warnings: snapshot.warnings,
    };
}
catch (err) {
    if (err instanceof UnrecognizedFormatError) {
        result = { available: false, reason: `no text parser claims it yet (${err.message})` };
    }
    else if (err instanceof LeakdiffError) {
        result = { available: true, failed: err.message };
    }
    else {
        throw err;
    }
}
process.stdout.write(`${JSON.stringify(result)}\n`);
//# sourceMappingURL=parse-text.js.map