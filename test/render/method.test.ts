// The report's Method section quotes the thresholds that decide a diagnosis. Each is read from the constant
// that decides it, so the text cannot drift from the code: here each constant's value, as the report
// formats it, must appear in the Method of a real series' report (the gRPC leak, whose heap is sampled).
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { HIGH_MAX_P, HIGH_MIN_R2, HIGH_MIN_SNAPSHOTS } from '../../src/diagnose/confidence.js';
import { CULPRIT_STRATEGIES } from '../../src/diagnose/culprit.js';
import { MIN_LINK_CORRELATION } from '../../src/correlate.js';
import { EXACT_MAX_N, NOISE_Z, STAIRCASE_MAX_N, STAIRCASE_MIN_Z, STAIRCASE_MIN_Z_EXACT, TREND_ALPHA } from '../../src/fit/index.js';
import { RETAINED_MAX_FALL_SAMPLES, RETAINED_MIN_NEW_SAMPLES, RETAINED_MIN_SHARE } from '../../src/fit/retained.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { RATE_MIN_COVER, RATE_PER, spelled, spelledShare } from '../../src/units.js';
import { ROOT } from '../helpers/paths.js';

process.chdir(ROOT);
const a = analyze({
  files: ['fixtures/grpc-leak'],
  intervalSeconds: null,
  modules: [],
  granularity: 'functions',
  limits: DEFAULT_LIMITS,
});
const markdown = renderMarkdown(a, { version: '0.0.0', limitBytes: 512 * 1024 ** 2, chart: null, gates: [] });
const method = markdown.slice(markdown.indexOf('\n## Method\n'));
const seconds = (name: string): number => RATE_MIN_COVER * RATE_PER.find((p) => p.name === name)!.seconds;

t.test('the Method section is there, and last', async (t) => {
  t.ok(markdown.includes('\n## Method\n'), 'a Method section');
  t.notOk(method.slice(1).includes('\n## '), 'nothing after it');
});

t.test('each threshold quoted in the Method is its constant, as the report formats it', async (t) => {
  const quoted: readonly (readonly [string, string])[] = [
    ['EXACT_MAX_N', `exact p-values up to ${EXACT_MAX_N} snapshots`],
    ['STAIRCASE_MAX_N', `With ${STAIRCASE_MAX_N} snapshots or fewer`],
    ['STAIRCASE_MIN_Z', `by over ${STAIRCASE_MIN_Z} standard errors of sampling noise (heap)`],
    ['STAIRCASE_MIN_Z_EXACT', `by over ${STAIRCASE_MIN_Z_EXACT} standard error of the churn of goroutines`],
    ['RETAINED_MIN_NEW_SAMPLES', `at least ${RETAINED_MIN_NEW_SAMPLES} new samples still in use`],
    ['RETAINED_MIN_SHARE', `${RETAINED_MIN_SHARE * 100}% or more of what the site allocated`],
    ['RETAINED_MAX_FALL_SAMPLES', `never falling by more than ${spelled(Math.floor(RETAINED_MAX_FALL_SAMPLES))} sample`],
    ['RATE_MIN_COVER', `Rates are stated per the longest span the window covers, at least ${spelledShare(RATE_MIN_COVER)} of it`],
    ['RATE_MIN_COVER (minute)', `per minute from a window of ${seconds('min')} s or more`],
    ['RATE_MIN_COVER (hour)', `per hour from ${seconds('h') / 60} minutes`],
    ['RATE_MIN_COVER (day)', `per day from ${seconds('day') / 3600} hours`],
    ['NOISE_Z', `changes within ${spelled(NOISE_Z)} standard errors of the sampling are treated as noise`],
    ['MIN_LINK_CORRELATION', `(Pearson r ≥ ${MIN_LINK_CORRELATION})`],
    ['CULPRIT_STRATEGIES', `The culprit strategies, in order: ${CULPRIT_STRATEGIES.map((s) => s.name).join(', ')};`],
    ['HIGH_MIN_SNAPSHOTS', `high needs ${HIGH_MIN_SNAPSHOTS} or more snapshots`],
    ['HIGH_MAX_P', `p < ${HIGH_MAX_P} and`],
    ['HIGH_MIN_R2', `R² ≥ ${HIGH_MIN_R2};`],
    ['TREND_ALPHA', `medium, any other growth the fits call growing (a trend with p < ${TREND_ALPHA}`],
    ['--limit', 'Projections use the memory limit of 512 MiB.'],
  ];
  for (const [name, text] of quoted) t.ok(method.includes(text), `${name}: "${text}"`);
});
