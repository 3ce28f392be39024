// `leakdiff inspect`: what each file is. Rows are computed from decoded snapshots (pure data, the JSON
// contract) and printed separately, as pprof computes TextItems before printText.
import { Interner } from './normalize/index.js';
import { formatTime, formatValue, formatCount } from './units.js';
/** The capture time and where it came from: the profile itself, else the file name, else the file's mtime. */
export function captureTime(profileMs, file) {
    if (profileMs !== null)
        return { timeMs: profileMs, source: 'profile' };
    if (file.nameTimeMs !== null)
        return { timeMs: file.nameTimeMs, source: 'file-name' };
    return { timeMs: file.mtimeMs, source: 'mtime' };
}
export function totalsOf(s) {
    const width = s.sampleTypes.length;
    const totals = {};
    s.sampleTypes.forEach((t, k) => {
        let sum = 0;
        for (let i = 0; i < s.sampleCount; i++)
            sum += s.values[i * width + k];
        totals[t.type] = sum;
    });
    return totals;
}
export function inspectRow(s, file, compressed) {
    const time = captureTime(s.timeMs, file);
    const stacks = new Interner().add(s).stackIds.length;
    return {
        file: file.path,
        form: s.form,
        compressed,
        kind: s.kind,
        time: formatTime(time.timeMs),
        timeSource: time.source,
        sampleTypes: s.sampleTypes.map((t) => ({ type: t.type, unit: t.unit })),
        samples: s.sampleCount,
        stacks,
        totals: totalsOf(s),
        period: s.period === null ? null : { type: s.period.type.type, unit: s.period.type.unit, value: s.period.value },
        declaredTotal: s.declaredTotal,
        truncated: s.truncation,
        binary: s.binary,
        warnings: s.warnings,
        repairs: s.repairs,
        part: s.part,
    };
}
const FORM_NAMES = {
    pprof: 'pprof protobuf',
    'heap-text': 'heap text (debug=1)',
    'goroutine-text': 'goroutine text (debug=1)',
    'goroutine-dump': 'goroutine dump (debug=2)',
};
export function formatInspect(rows) {
    return rows.map(formatRow).join('\n');
}
function formatRow(r) {
    const lines = [
        r.part === null ? r.file : `${r.file}: profile ${r.part.index} of ${r.part.of}, from line ${r.part.line}`,
        `  form     ${FORM_NAMES[r.form]}${r.compressed ? ', gzipped' : ''}`,
        `  kind     ${r.kind}`,
        `  time     ${r.time ?? 'unknown'} (from ${r.timeSource ?? 'nowhere'})`,
        `  samples  ${formatCount(r.samples)} in ${formatCount(r.stacks)} distinct call sites`,
        ...r.sampleTypes.map((t) => `  ${t.type.padEnd(14)} ${formatValue(r.totals[t.type] ?? 0, t.unit)}`),
    ];
    if (r.period !== null && r.kind === 'heap')
        lines.push(`  sampling one allocation per ${formatValue(r.period.value, r.period.unit)} on average`);
    if (r.declaredTotal !== null && r.declaredTotal !== r.totals.goroutine)
        lines.push(`  header   says ${formatCount(r.declaredTotal)} goroutines`);
    if (r.truncated !== null)
        lines.push(`  TRUNCATED ${r.truncated.reason}; ${formatCount(r.truncated.goroutinesRead)} goroutines read`);
    if (r.binary !== null)
        lines.push(`  binary   ${r.binary}`);
    for (const w of r.warnings)
        lines.push(`  warning  ${w}`);
    return lines.join('\n') + '\n';
}
//# sourceMappingURL=inspect.js.map