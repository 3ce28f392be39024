// A snapshot directory as people leave it: a dangling symlink, a looping one, a FIFO, a subdirectory beside
// the snapshots. Each is passed over; the run analyzes the snapshots and changes nothing.
import { copyFileSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { leakdiff, scratch } from './helpers/cli.js';
import { fixture } from './helpers/paths.js';
import { tree } from './helpers/tree.js';

t.test('dangling and looping symlinks, a FIFO and a subdirectory in a snapshot directory are passed over', async (t) => {
  const dir = scratch(t);
  const snaps = join(dir, 'snaps');
  mkdirSync(join(snaps, 'old'), { recursive: true });
  for (const f of readdirSync(fixture('map-leak')).filter((n) => n.endsWith('.pb.gz'))) copyFileSync(fixture('map-leak', f), join(snaps, f));
  symlinkSync(join(dir, 'nowhere'), join(snaps, 'dangling.pb.gz'));
  symlinkSync('loop-b', join(snaps, 'loop-a'));
  symlinkSync('loop-a', join(snaps, 'loop-b'));
  t.equal(spawnSync('mkfifo', [join(snaps, 'pipe')]).status, 0);
  const before = tree(dir);
  const r = leakdiff([snaps, '--out', join(dir, 'r.md'), '--quiet']);
  t.equal(r.code, 1, `the leak is found (${r.stderr.trim()})`);
  t.notMatch(r.stderr, /internal error|ENOENT|ELOOP/);
  const after = tree(dir);
  for (const [k, v] of Object.entries(before)) t.equal(after[k], v, `${k} unchanged`);
});
