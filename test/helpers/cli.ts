// Runs the built CLI as a user would: a child process, its exit code, stdout and stderr.
import { spawnSync } from 'node:child_process';
import { CLI, ROOT } from './paths.js';

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function leakdiff(args: readonly string[], env: Readonly<Record<string, string>> = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
