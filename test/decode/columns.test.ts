// Column buffers reused from one profile to the next (decode/columns.ts Columns, as the analyze loop uses them)
// and the pprof location table: on real captures, a snapshot decoded into reused buffers is the snapshot a
// fresh decode gives, whatever was decoded into them before (a larger profile, a smaller one, another kind).

import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { stackOf } from '../../src/decode/builder.js';
import { Columns, GrowableU32 } from '../../src/decode/columns.js';
import { decode } from '../../src/decode/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { Snapshot } from '../../src/model.js';
import { fixture } from '../helpers/paths.js';

/** A profile's columns and frames as plain values, taken before the buffers are reused. */
function copyOf(s: Snapshot): { stackStart: number[]; stackFrames: number[]; values: number[]; frames: string[] } {
  return {
    stackStart: Array.from(s.stackStart),
    stackFrames: Array.from(s.stackFrames),
    values: Array.from(s.values),
    frames: s.frames.map((f) => `${f.function} ${f.file}:${f.line}${f.inlined ? ' inlined' : ''}`),
  };
}

const k8s = fixture('matrix/k8s-informer/go1.26-mod');
const grpc = fixture('grpc-leak');
const pb = (dir: string, prefix: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.pb.gz'))
    .sort()
    .map((f) => `${dir}/${f}`);
// Largest first, then smaller ones and the other kind, then large again: every reuse case (shrink, grow, kind).
const files = [
  ...pb(k8s, 'heap').slice(-2).reverse(),
  ...pb(grpc, 'goroutine').slice(0, 2),
  ...pb(grpc, 'heap').slice(0, 2),
  ...pb(k8s, 'goroutine').slice(-1),
  ...pb(k8s, 'heap').slice(-1),
];

t.test('a profile decoded into reused columns is the profile a fresh decode gives', async (t) => {
  t.ok(files.length >= 8, 'the fixtures are there');
  const columns = new Columns();
  for (const path of files) {
    const bytes = readFileSync(path);
    const reused = copyOf(decode(path, bytes, DEFAULT_LIMITS, columns).snapshot);
    const fresh = decode(path, bytes, DEFAULT_LIMITS).snapshot;
    t.ok(fresh.sampleCount > 0, `${path}: has samples`);
    t.same(reused, copyOf(fresh), `${path}: same stacks, values and frames`);
  }
});

t.test('a reused snapshot holds views of the buffers, sized to what it read', async (t) => {
  const columns = new Columns();
  const [big, small] = [files[0], files[2]];
  const a = decode(big, readFileSync(big), DEFAULT_LIMITS, columns).snapshot;
  const bigFrames = columns.stackFrames.data;
  t.equal(a.stackFrames.buffer, bigFrames.buffer, 'the snapshot reads the shared buffer');
  t.equal(a.stackStart.length, a.sampleCount + 1);
  t.equal(a.values.length, a.sampleCount * a.sampleTypes.length);
  const b = decode(small, readFileSync(small), DEFAULT_LIMITS, columns).snapshot;
  t.equal(columns.stackFrames.data, bigFrames, 'a smaller profile reuses the larger buffer instead of allocating');
  t.equal(b.stackFrames.length, b.stackStart[b.sampleCount], 'and its stacks end where its last sample does');
});

t.test('an inlined location of a real capture expands to all its lines, innermost first, in every sample naming it', async (t) => {
  // Go 1.26 inlines small functions: some location of the k8s capture holds several lines.
  const s = decode(files[0], readFileSync(files[0]), DEFAULT_LIMITS).snapshot;
  let inlinedSamples = 0;
  for (let i = 0; i < s.sampleCount; i++) {
    const stack = Array.from(stackOf(s, i));
    for (let k = 0; k < stack.length; k++) {
      if (!s.frames[stack[k]].inlined) continue;
      inlinedSamples++;
      // An inlined frame is never a stack's last frame: the function it was inlined into follows it.
      t.ok(k + 1 < stack.length, `sample ${i}: ${s.frames[stack[k]].function} has its caller after it`);
      break;
    }
  }
  t.ok(inlinedSamples > 0, 'the capture has inlined frames');
});

t.test('GrowableU32 appends runs and starts again empty on reset, keeping a buffer with room', async (t) => {
  const g = new GrowableU32(16);
  const src = Uint32Array.from({ length: 40 }, (_, i) => i * 3);
  g.pushRun(src, 5, 38);
  t.equal(g.length, 33);
  t.same(Array.from(g.view()), Array.from(src.subarray(5, 38)));
  const kept = g.data;
  g.reset(20);
  t.equal(g.length, 0);
  t.equal(g.data, kept, 'room for 20: the buffer is kept');
  g.push(7);
  t.same(Array.from(g.view()), [7]);
  g.reset(10_000);
  t.ok(g.data.length >= 10_000, 'no room: a new buffer');
  t.equal(g.length, 0);
  g.pushRun(src, 0, 0);
  t.equal(g.length, 0, 'an empty run appends nothing');
});
