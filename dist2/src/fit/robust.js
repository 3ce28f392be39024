// Theil–Sen line: the median of the slopes between every pair of points (Theil 1950, Sen 1968). Up to ~29%
// of the points can be arbitrarily wrong before it moves, so a single spike or a GC sawtooth tooth does not
// tilt it the way it tilts least squares. It is the slope Mann–Kendall's S is the sign test of.
import { median } from 'simple-statistics';
/** Times must be strictly increasing (so no pair has a zero time difference). */
export function theilSen(times, values) {
    const slopes = [];
    for (let i = 0; i < times.length - 1; i++) {
        for (let j = i + 1; j < times.length; j++) {
            slopes.push((values[j] - values[i]) / (times[j] - times[i]));
        }
    }
    const slope = median(slopes);
    const intercept = median(values.map((y, i) => y - slope * times[i]));
    return { slope, intercept };
}
//# sourceMappingURL=robust.js.map