// One evaluation run judged against the ground truth. What counts as right is fixed here, before and apart
// from any diagnosis rule, and only reads leakdiff's JSON contract (DESIGN.md section 5):
// - a leak: verdict `leak`, and every expected leak found as its own finding with the expected culprit (or an
//   accepted alternative) and signature; no other finding at medium confidence or above;
// - a control: verdict `no-leak` over the whole window; cut to a few snapshots, anything but `leak`;
// - cut to 2 snapshots, a leak must not be called `no-leak` and a control must not be called `leak`.
/** Closure and wrapper suffixes carry no identity (DESIGN.md section 2): `submit.func1.2` is `submit`. */
export function baseFunction(name) {
    return name.replace(/(\.(func|gowrap|deferwrap)\d+(\.\d+)*)+$/, '');
}
const sameFunction = (a, b) => a !== null && baseFunction(a) === baseFunction(b);
const serious = (f) => f.confidence === 'high' || f.confidence === 'medium';
export function judge(expected, form, got) {
    if ('error' in got)
        return { ok: false, falseAlarm: false, why: `error: ${got.error}` };
    const few = form.cut !== null;
    if (expected.verdict === 'no-leak') {
        const falseAlarm = got.verdict === 'leak';
        if (falseAlarm)
            return { ok: false, falseAlarm, why: 'false alarm: a control called a leak' };
        if (!few && got.verdict !== 'no-leak')
            return { ok: false, falseAlarm, why: `control not cleared: ${got.verdict}` };
        return { ok: true, falseAlarm, why: '' };
    }
    if (form.cut === 2)
        return got.verdict === 'no-leak' ? { ok: false, falseAlarm: false, why: 'a leak called no-leak' } : { ok: true, falseAlarm: false, why: '' };
    if (got.verdict !== 'leak')
        return { ok: false, falseAlarm: false, why: `a leak called ${got.verdict}` };
    const used = new Set();
    const problems = [];
    for (const leak of expected.leaks) {
        const names = [leak.culprit, ...leak.also];
        const i = got.findings.findIndex((f, k) => !used.has(k) && names.some((n) => sameFunction(f.culprit, n)));
        if (i < 0) {
            problems.push(`culprit ${leak.culprit} not found`);
            continue;
        }
        used.add(i);
        if ((got.findings[i].signature ?? null) !== leak.signature)
            problems.push(`signature ${got.findings[i].signature ?? 'none'}, expected ${leak.signature ?? 'none'}`);
    }
    const extra = got.findings.filter((f, k) => !used.has(k) && serious(f));
    if (extra.length > 0)
        problems.push(`${extra.length} extra finding${extra.length === 1 ? '' : 's'} (${extra.map((f) => f.culprit ?? 'no culprit').join(', ')})`);
    return { ok: problems.length === 0, falseAlarm: false, why: problems.join('; ') };
}
//# sourceMappingURL=judge.js.map