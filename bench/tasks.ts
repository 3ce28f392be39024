// The work measured each round. A task runs once per round and yields one or more metrics (rows); rounds
// are interleaved (every task once, then every task again) so drift on a shared machine hits all rows alike.

import { measure, type Run } from './measure.js';

export interface Metric {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
}

export type TaskResult = { readonly values: Readonly<Record<string, number>>; readonly note?: string } | { readonly unavailable: string };

export interface Task {
  readonly id: string;
  readonly metrics: readonly Metric[];
  /** Why this task cannot run on this machine (go missing...), or null. Such rows say so instead of failing. */
  readonly unavailable: string | null;
  run(): Promise<TaskResult>;
}

const MB = 1e6;

/** A whole process, measured for wall time and peak RSS; exit codes outside `ok` make the round fail. */
export function processTask(
  id: string,
  label: string,
  cmd: string,
  args: readonly string[],
  ok: readonly number[] = [0],
  unavailable: string | null = null,
): Task {
  return {
    id,
    unavailable,
    metrics: [
      { id: `${id}.wall`, label: `${label}: wall`, unit: 's' },
      { id: `${id}.cpu`, label: `${label}: CPU`, unit: 's' },
      { id: `${id}.rss`, label: `${label}: peak RSS`, unit: 'MB' },
    ],
    async run() {
      const r = await measure(cmd, args);
      checkExit(id, r, ok);
      const values: Record<string, number> = { [`${id}.wall`]: r.wallSeconds };
      if (r.cpuSeconds !== null) values[`${id}.cpu`] = r.cpuSeconds;
      if (r.peakRssBytes !== null) values[`${id}.rss`] = r.peakRssBytes / MB;
      return { values };
    },
  };
}

/** A wall-time-only process (start-up rows). */
export function startupTask(id: string, label: string, cmd: string, args: readonly string[], ok: readonly number[] = [0]): Task {
  return {
    id,
    unavailable: null,
    metrics: [
      { id: `${id}.wall`, label, unit: 's' },
      { id: `${id}.cpu`, label: `${label}: CPU`, unit: 's' },
    ],
    async run() {
      const r = await measure(cmd, args);
      checkExit(id, r, ok);
      return { values: r.cpuSeconds === null ? { [`${id}.wall`]: r.wallSeconds } : { [`${id}.wall`]: r.wallSeconds, [`${id}.cpu`]: r.cpuSeconds } };
    },
  };
}

/** A child that times itself and prints one JSON line; `read` turns it into metric values. */
export function jsonTask(
  id: string,
  metrics: readonly Metric[],
  cmd: string,
  args: readonly string[],
  read: (json: Record<string, unknown>) => TaskResult,
  unavailable: string | null = null,
): Task {
  return {
    id,
    metrics,
    unavailable,
    async run() {
      const r = await measure(cmd, args);
      checkExit(id, r, [0]);
      return read(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>);
    },
  };
}

function checkExit(id: string, r: Run, ok: readonly number[]): void {
  if (r.exitCode === null || !ok.includes(r.exitCode)) {
    const why = r.stderr.trim().split('\n').slice(0, 3).join(' / ');
    throw new Error(`${id} exited with ${r.exitCode}: ${why}`);
  }
}
