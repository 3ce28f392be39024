// When rounds happen and what the terminal shows meanwhile. Rounds keep a fixed rate (round i is due at
// start + (i - 1) * every) so a slow answer or a retry does not stretch the series; a round that is late
// starts at once. The clock is injected so tests can run a series in a second.

import type { Io } from '../commands/io.js';
import { formatDuration } from '../units.js';

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when the signal aborts (never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
    }),
};

export function dueAt(startMs: number, everyMs: number, round: number): number {
  return startMs + (round - 1) * everyMs;
}

/**
 * One status line that rewrites itself on a terminal and is silent elsewhere (CI logs stay clean), and whole
 * lines (warnings, failures) that always go out, clearing the status line first so the two never mix.
 */
export class Progress {
  private shown = false;
  /** quiet: only errors (a round not saved, a run that saved nothing) go out; no status, notes or warnings. */
  constructor(
    private readonly io: Pick<Io, 'stderr' | 'stderrIsTTY'>,
    private readonly quiet = false,
  ) {}

  status(text: string): void {
    if (!this.io.stderrIsTTY || this.quiet) return;
    this.io.stderr(`\r\x1b[K${text}`);
    this.shown = true;
  }

  line(text: string, error = false): void {
    if (this.quiet && !error) return;
    this.clear();
    this.io.stderr(`${text}\n`);
  }

  clear(): void {
    if (!this.shown) return;
    this.io.stderr('\r\x1b[K');
    this.shown = false;
  }
}

/** Waits for `due`, refreshing "next in ..." once a second on a terminal; returns early on abort. */
export async function waitUntil(due: number, clock: Clock, signal: AbortSignal, progress: Progress, label: string): Promise<void> {
  // Bounded by the whole seconds to wait, so a clock that jumps cannot keep the loop going.
  const steps = Math.ceil((due - clock.now()) / 1000) + 1;
  for (let i = 0; i < steps && !signal.aborted; i++) {
    const left = due - clock.now();
    if (left <= 0) return;
    progress.status(`${label}; next in ${formatDuration(Math.ceil(left / 1000))}`);
    await clock.sleep(left % 1000 || 1000, signal);
  }
}
