// From parsed analyze flags to options, outputs and an exit code. Kept beside the CLI so cli.ts stays the
// argv table; nothing here touches process.

import { existsSync } from 'node:fs';
import type { Io } from '../cli.js';
import { UsageError } from '../errors.js';
import type { Limits } from '../limits.js';
import { toJson } from '../render/json.js';
import { renderText } from '../render/text.js';
import { parseBytes, parseDuration } from '../units.js';
import { writeOutputs } from '../write.js';
import { analyze, failsAt } from './analyze.js';
import type { Confidence } from '../diagnose/index.js';
import type { Granularity } from '../normalize/index.js';

export const ANALYZE_EXAMPLES: readonly (readonly [string, string])[] = [
  ['leakdiff snapshots/', 'diagnose every heap and goroutine profile in a directory'],
  ['leakdiff heap-*.pb.gz goroutine-*.txt --json result.json', 'also write the JSON result'],
  ['leakdiff --fail-on high --json - snaps/', 'CI gate: exit 1 only on a high-confidence leak'],
  ['leakdiff --interval 30s h1.txt h2.txt h3.txt', 'text files without times, taken 30 s apart'],
];

interface AnalyzeArgs {
  readonly snapshots?: readonly string[];
  readonly out: string;
  readonly json?: string;
  readonly interval?: string;
  readonly module?: readonly string[];
  readonly limit?: string;
  readonly 'fail-on': string;
  readonly granularity: string;
  readonly quiet: boolean;
}

const COMMANDS = ['analyze', 'inspect', 'collect'];

/** Edit distance, for "did you mean": small strings only. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length][b.length];
}

/** `leakdiff inspct x` reaches the default command with `inspct` as a file: say what was probably meant. */
function checkMistypedCommand(first: string | undefined): void {
  if (first === undefined || existsSync(first)) return;
  const near = COMMANDS.find((c) => distance(first, c) <= 2);
  if (near !== undefined) throw new UsageError(`unknown command ${JSON.stringify(first)}; did you mean ${JSON.stringify(near)}?`);
}

export function analyzeCommand(args: AnalyzeArgs, limits: Limits, io: Io): number {
  checkMistypedCommand(args.snapshots?.[0]);
  const intervalSeconds = args.interval === undefined ? null : parseDuration(args.interval);
  if (intervalSeconds === null && args.interval !== undefined) throw new UsageError(`--interval takes a duration such as 30s or 5m, not ${JSON.stringify(args.interval)}`);
  if (intervalSeconds !== null && intervalSeconds <= 0) throw new UsageError('--interval must be longer than zero');
  const limitBytes = args.limit === undefined ? null : parseBytes(args.limit);
  if (limitBytes === null && args.limit !== undefined) throw new UsageError(`--limit takes a size such as 512MiB or 2GB, not ${JSON.stringify(args.limit)}`);
  if (args.out === '' || args.json === '') throw new UsageError('--out and --json take a file name, or - for stdout');
  if (args.out === '-' && args.json === '-') throw new UsageError('--out and --json cannot both write to stdout; send one of them to a file');
  const analysis = analyze({
    files: args.snapshots ?? [],
    intervalSeconds,
    modules: args.module ?? [],
    granularity: args.granularity as Granularity,
    limits,
    progress: io.stderrIsTTY && !args.quiet ? (done, total, file) => io.stderr(`\r\x1b[Kreading ${done}/${total} ${file}${done === total ? '\n' : ''}`) : undefined,
  });
  const outputs: { path: string; text: string }[] = [];
  const json = args.json === undefined ? null : `${JSON.stringify(toJson(analysis, { limitBytes }), null, 2)}\n`;
  const text = renderText(analysis);
  if (args.out !== '-') outputs.push({ path: args.out, text });
  if (json !== null && args.json !== '-') outputs.push({ path: args.json as string, text: json });
  writeOutputs(outputs, analysis.series.inputs.map((i) => i.path));
  if (args.out === '-') io.stdout(text);
  if (json !== null && args.json === '-') io.stdout(json);
  if (!args.quiet) for (const w of analysis.series.warnings) io.stderr(`leakdiff: warning: ${w}\n`);
  return failsAt(analysis.diagnosis, args['fail-on'] as Confidence) ? 1 : 0;
}
