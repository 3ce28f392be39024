// Runs one child process and measures it the same way for every row: wall time from spawn to exit, and the
// peak resident set (the kernel's high-water mark, VmHWM). GNU time's %M reads that mark from wait4()'s
// rusage after the child exits, so nothing is missed; without /usr/bin/time we poll /proc/<pid>/status,
// which can miss a peak shorter than the poll interval (the row says which method was used).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
const POLL_MS = 5;

export interface Run {
  readonly wallSeconds: number;
  /** Peak RSS in bytes, or null when it could not be read. */
  readonly peakRssBytes: number | null;
  /** User + system CPU seconds of the child (GNU time's %U + %S), or null without GNU time. On a shared
   * machine CPU time moves far less than wall time with the load of other processes. */
  readonly cpuSeconds: number | null;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export type RssMethod = 'gnu-time' | 'proc-poll';

export function rssMethod(): RssMethod {
  return existsSync(GNU_TIME) ? 'gnu-time' : 'proc-poll';
}

/** Runs `cmd args` with stdout and stderr to pipes (as a run to a pipe would be) and measures it. */
export async function measure(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  if (rssMethod() === 'gnu-time') return measureWithTime(cmd, args, opts);
  return measureWithPoll(cmd, args, opts);
}

async function measureWithTime(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'leakdiff-time-'));
  const out = join(dir, 'rss');
  try {
    // -o keeps time's line out of the child's own stderr; %M is the peak RSS in KiB, %U and %S CPU seconds.
    const run = await spawnTimed(GNU_TIME, ['-f', '%M %U %S', '-o', out, cmd, ...args], opts, null);
    const [kib, user, sys] = (readFileSync(out, 'utf8').trim().split('\n').pop() ?? '').split(' ').map(Number);
    const cpu = user + sys;
    return { ...run, peakRssBytes: Number.isFinite(kib) ? kib * 1024 : null, cpuSeconds: Number.isFinite(cpu) ? cpu : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureWithPoll(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  let peak: number | null = null;
  const run = await spawnTimed(cmd, args, opts, (pid) => {
    const hwm = readHwm(pid);
    if (hwm !== null) peak = Math.max(peak ?? 0, hwm);
  });
  return { ...run, peakRssBytes: peak, cpuSeconds: null };
}

/** VmHWM from /proc/<pid>/status in bytes; null once the process is gone. */
function readHwm(pid: number): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? null : Number(m[1]) * 1024;
  } catch {
    // The process exited between polls: the last reading stands.
    return null;
  }
}

function spawnTimed(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv },
  poll: ((pid: number) => void) | null,
): Promise<Omit<Run, 'peakRssBytes' | 'cpuSeconds'>> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = poll === null || child.pid === undefined ? null : setInterval(() => poll(child.pid as number), POLL_MS);
    child.on('error', (e) => {
      if (timer !== null) clearInterval(timer);
      reject(e);
    });
    child.on('close', (code) => {
      const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (timer !== null) clearInterval(timer);
      resolve({ wallSeconds, exitCode: code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
