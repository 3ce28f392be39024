// A snapshot directory as people leave it: a dangling symlink, a looping one, a FIFO, a subdirectory beside
// the snapshots. Each is passed over; the run analyzes the snapshots and changes nothing.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
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
  const r = leakdiff([snaps, '--out', join(dir, 'r.md')]);
  t.equal(r.code, 1, `the leak is found (${r.stderr.trim()})`);
  t.notMatch(r.stderr, /internal error|ENOENT|ELOOP/);
  t.match(
    r.stderr,
    /^leakdiff: note: 4 entries in the directories given are no file this run can read and were passed over: ".*dangling\.pb\.gz" \(a dangling symlink\), ".*loop-a" \(a looping symlink\), ".*loop-b" \(a looping symlink\), and 1 more$/m,
    'each said, with why',
  );
  t.notMatch(r.stderr, /snaps\/old/, 'a subdirectory passed over silently');
  const after = tree(dir);
  for (const [k, v] of Object.entries(before)) t.equal(after[k], v, `${k} unchanged`);
});

t.test('a debug=2 dump cut short is read to the cut and said so, on stderr and in the JSON warnings', async (t) => {
  const dir = scratch(t);
  const snaps = join(dir, 'snaps');
  mkdirSync(snaps);
  const dumps = readdirSync(fixture('worker-leak'))
    .filter((n) => /^goroutine-0[1-4].*\.debug2\.txt$/.test(n))
    .sort();
  for (const f of dumps) copyFileSync(fixture('worker-leak', f), join(snaps, f));
  const last = join(snaps, dumps[dumps.length - 1]);
  const bytes = readFileSync(last);
  writeFileSync(last, bytes.subarray(0, bytes.length >> 1));
  const r = leakdiff([snaps, '--out', join(dir, 'r.md'), '--json', join(dir, 'r.json')]);
  t.ok(r.code === 0 || r.code === 1, r.stderr);
  t.match(r.stderr, new RegExp(`leakdiff: note: ${last.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cut short: `), 'said on stderr');
  const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { warnings: string[] };
  t.ok(
    json.warnings.some((w) => w.includes('cut short')),
    'and in the JSON warnings',
  );
});

t.test('files in a snapshot directory that are no profile are skipped with a note; named, they are an error', async (t) => {
  const dir = scratch(t);
  const snaps = join(dir, 'snaps');
  mkdirSync(snaps);
  for (const f of readdirSync(fixture('map-leak')).filter((n) => n.endsWith('.pb.gz'))) copyFileSync(fixture('map-leak', f), join(snaps, f));
  writeFileSync(join(snaps, 'Thumbs.db'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
  writeFileSync(join(snaps, 'check.txt'), 'goroutines per round: 81 121 161\n');
  writeFileSync(join(snaps, 'NOTES'), 'captured after the 2.3 deploy\n');
  const before = tree(dir);
  const r = leakdiff([snaps, '--out', join(dir, 'r.md'), '--json', join(dir, 'r.json')]);
  t.equal(r.code, 1, `the leak is still found (${r.stderr.trim()})`);
  t.match(r.stderr, /leakdiff: note: 3 files in the directories given are no profile and were skipped: .*NOTES.*Thumbs\.db.*check\.txt/);
  const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { warnings: string[] };
  t.ok(
    json.warnings.some((w) => /no profile and were skipped/.test(w)),
    'and in the JSON warnings',
  );
  const after = tree(dir);
  for (const [k, v] of Object.entries(before)) t.equal(after[k], v, `${k} unchanged`);
  const named = leakdiff([join(snaps, 'check.txt'), '--out', join(dir, 'n.md')]);
  t.equal(named.code, 2, 'a file the user named that is no profile is still an error');
  t.match(named.stderr, /check\.txt: decode: /);
  t.equal(named.stderr.trim().split('\n').length, 1, 'one line');
});
