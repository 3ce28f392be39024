// Bounded growth: a series that rose and then stopped. A warming cache, a connection pool filling up to its
// size, a buffer growing to its high-water mark: least squares still sees a positive slope over the window
// and Mann–Kendall still sees mostly rising pairs, but the last part of the window is flat, so it is not a
// leak. We test it as a model comparison: does "rise, then flat" explain the series significantly better than
// one straight line (an F test on the one extra parameter), with the flat part flat compared with the rise?
// A single jump ("step") is the same question with a different model; it may have a short tail, which the
// caller reports as undecided rather than as a plateau or as growth.
import { linearRegression, median } from 'simple-statistics';
import { theilSen } from './robust.js';
/**
 * A levelled-off tail grows at most this fraction of the rise's own rate. A warming cache's tail is flat;
 * a leak whose last few sampled points happen to bunch up still climbs at a good part of its earlier rate
 * (seen on real net/http buffer growth: tail at 36% of the head's rate, which the drift allowance alone let
 * pass as a plateau with three tail points).
 */
export const PLATEAU_MAX_TAIL_SLOPE_RATIO = 0.25;
/**
 * The best-fitting "rise, then flat from index k" that passes every rule, or null. Candidates are a hinge
 * (linear to t_k, constant after) and a step (one level before k, another from k); the lowest residual wins,
 * ties going to the earlier break. O(n²), fine for the tens to hundreds of snapshots a capture has.
 */
export function findBoundedRise(times, values, sigma, rules) {
    const n = values.length;
    const lineSse = sse(times, values, linearRegression(times.map((t, i) => [t, values[i]])));
    // A straight line up to rounding (relative 1e-9 of the largest value) cannot be explained better.
    const scale = Math.max(...values.map(Math.abs));
    if (lineSse <= n * (1e-9 * scale) ** 2)
        return null;
    let best = null;
    let bestSse = Infinity;
    for (let k = 1; k <= n - Math.min(rules.minTail, rules.minStepTail); k++) {
        const models = n - k >= rules.minTail ? [hinge(times, values, k)] : [];
        if (n - k >= rules.minStepTail)
            models.push(step(values, k));
        for (const c of models) {
            if (c.sse >= bestSse)
                continue;
            const found = check(c, times, values, sigma, lineSse, rules);
            if (found !== null) {
                best = found;
                bestSse = c.sse;
            }
        }
    }
    return best;
}
function check(c, times, values, sigma, lineSse, rules) {
    const n = values.length;
    // One more parameter than the line (the break's level; the break's position is searched, which the high
    // threshold pays for). Residual degrees of freedom n − 3.
    const f = c.sse > 0 ? ((lineSse - c.sse) * (n - 3)) / c.sse : Infinity;
    if (!(f >= rules.minF) || c.rise <= 0 || c.rise < rules.minRise)
        return null;
    if (c.rise <= rules.noiseZ * riseStdErr(sigma, c.from))
        return null;
    const noise = pointNoise(values);
    const tailChange = change(times.slice(c.from), values.slice(c.from));
    if (Math.abs(tailChange) > allowedDrift(c.rise, noise, times.slice(c.from), rules))
        return null;
    if (c.kind === 'curve') {
        const riseSlope = c.rise / (times[c.from] - times[0]);
        const tailSlope = tailChange / (times[times.length - 1] - times[c.from]);
        if (tailSlope > PLATEAU_MAX_TAIL_SLOPE_RATIO * riseSlope)
            return null;
    }
    // A step is flat on both sides; a head that climbs into the jump is growth that has not yet stopped.
    const headTimes = times.slice(0, c.from);
    const headChange = change(headTimes, values.slice(0, c.from));
    if (c.kind === 'step' && Math.abs(headChange) > allowedDrift(c.rise, noise, headTimes, rules))
        return null;
    return { from: c.from, kind: c.kind, rise: c.rise, tailChange, tailLength: n - c.from, f };
}
/** Linear in min(t, t_k): rises until t_k, then holds the value it reached. */
function hinge(times, values, k) {
    const bent = times.map((t) => Math.min(t, times[k]));
    const line = linearRegression(bent.map((x, i) => [x, values[i]]));
    return { from: k, kind: 'curve', rise: line.m * (times[k] - times[0]), sse: sse(bent, values, line) };
}
/** Mean of the points before k, mean of the points from k. */
function step(values, k) {
    const head = values.slice(0, k);
    const tail = values.slice(k);
    const headMean = mean(head);
    const tailMean = mean(tail);
    const residual = head.reduce((s, y) => s + (y - headMean) ** 2, 0) + tail.reduce((s, y) => s + (y - tailMean) ** 2, 0);
    return { from: k, kind: 'step', rise: tailMean - headMean, sse: residual };
}
/** Sampling error of (tail level − first value): the first point's sigma and the tail mean's. */
function riseStdErr(sigma, from) {
    const tail = sigma.slice(from);
    const tailVariance = tail.reduce((s, x) => s + x * x, 0) / (tail.length * tail.length);
    return Math.sqrt(sigma[0] * sigma[0] + tailVariance);
}
/** Theil–Sen change across these points (slope × duration); 0 for a single point. */
function change(times, values) {
    return times.length < 2 ? 0 : theilSen(times, values).slope * (times[times.length - 1] - times[0]);
}
/**
 * How far a flat part may move: a small share of the rise, plus what point-to-point noise alone would do,
 * but never past the cap (a "flat" tail that moved a third of the rise reads as still rising).
 */
function allowedDrift(rise, noise, times, rules) {
    return Math.min(rules.maxTailShare * rise + rules.noiseZ * noise * slopeSpread(times), rules.tailShareCap * rise);
}
/**
 * Point-to-point noise, blind to the broad shape: second differences cancel any straight piece, and their
 * median absolute value ignores the few at a bend or a jump. For white noise of sd σ a second difference has
 * sd σ√6, whose median absolute value is 0.6745·σ√6.
 */
function pointNoise(values) {
    const second = [];
    for (let i = 1; i < values.length - 1; i++)
        second.push(Math.abs(values[i + 1] - 2 * values[i] + values[i - 1]));
    return second.length === 0 ? 0 : median(second) / (0.6745 * Math.sqrt(6));
}
/** Standard error of a least-squares change across these times per unit of noise: span / √Sxx (√2 for two). */
function slopeSpread(times) {
    if (times.length < 2)
        return 0;
    const tBar = mean(times);
    const sxx = times.reduce((s, t) => s + (t - tBar) ** 2, 0);
    return (times[times.length - 1] - times[0]) / Math.sqrt(sxx);
}
function sse(xs, ys, line) {
    return xs.reduce((s, x, i) => s + (ys[i] - (line.m * x + line.b)) ** 2, 0);
}
function mean(xs) {
    return xs.reduce((a, b) => a + b, 0) / xs.length;
}
//# sourceMappingURL=plateau.js.map