// Facts about the machine and tools of a run, recorded beside the figures: a figure without them means little.

import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { availableParallelism } from 'node:os';
import type { RssMethod } from './measure.js';

export interface Machine {
  readonly date: string;
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly node: string;
  /** `go version`, or null when go is not installed. */
  readonly go: string | null;
  readonly rssMethod: RssMethod;
}

export function goVersion(): string | null {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function machine(rssMethod: RssMethod): Machine {
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
