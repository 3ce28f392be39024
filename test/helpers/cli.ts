// Runs the built CLI as a user would: a child process in a fresh working directory (so default outputs
// under reports/ land there, not in the repository), its exit code, stdout and stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './paths.js';

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The working directory it ran in (removed unless keep is set). */
  readonly cwd: string;
}

/** In a fresh working directory, removed after (unless keep), or in `cwd` when given (kept: it is the caller's). */
export function leakdiff(args: readonly string[], env: Readonly<Record<string, string>> = {}, keep = false, inDir?: string, input?: Buffer): Run {
  const cwd = inDir ?? mkdtempSync(join(tmpdir(), 'leakdiff-run-'));
  keep ||= inDir !== undefined;
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', GITHUB_ACTIONS: '', ...env },
    timeout: 120_000,
  });
  if (!keep) rmSync(cwd, { recursive: true, force: true });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, cwd };
}

/** A temporary directory removed when the test ends. */
export function scratch(t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakdiff-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
