// The tight floor of `leakdiff analyze` (issue 16): what no pprof reader can avoid. Each file is read,
// inflated with node's zlib, and walked once, every varint of every message read (Profile, and inside it
// ValueType, Sample with its packed location ids and values, Label, Mapping, Location with its Lines,
// Function), strings skipped by length. No value is kept. Run as its own process so its wall time, CPU time
// and peak RSS are measured exactly as analyze's are. Usage: node dist/bench/child/varint-floor.js FILE...

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { chunkSizeFor } from '../../src/decode/inflate.js';

/** Profile fields whose LEN payloads are messages to walk (profile.proto field numbers). */
const PROFILE_MESSAGES = new Set([1, 2, 3, 4, 5, 11]); // sample_type, sample, mapping, location, function, period_type
/** Nested messages inside those: Sample.label (3), Location.line (4). */
const NESTED_MESSAGES = new Set([3, 4]);
/** Packed repeated varints: Sample.location_id (1), Sample.value (2). */
const PACKED = new Set([1, 2]);

let varints = 0;

function varint(b: Uint8Array, i: number): number {
  while (b[i++] & 0x80);
  varints++;
  return i;
}

function readLen(b: Uint8Array, i: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const c = b[i++];
    v += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) return [v, i];
    shift += 7;
  }
}

function walk(b: Uint8Array, start: number, end: number, depth: number): void {
  let i = start;
  while (i < end) {
    const [key, j] = readLen(b, i);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) i = varint(b, j);
    else if (wire === 1) i = j + 8;
    else if (wire === 5) i = j + 4;
    else if (wire === 2) {
      const [len, k] = readLen(b, j);
      const stop = k + len;
      if (depth === 0 && PROFILE_MESSAGES.has(field)) walk(b, k, stop, 1);
      else if (depth === 1 && NESTED_MESSAGES.has(field)) walk(b, k, stop, 2);
      else if (depth === 1 && PACKED.has(field)) for (let p = k; p < stop;) p = varint(b, p);
      i = stop;
    } else throw new Error(`wire type ${wire} at byte ${i}`);
  }
}

let bytes = 0;
for (const path of process.argv.slice(2)) {
  const raw = readFileSync(path);
  const b = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw, { chunkSize: chunkSizeFor(raw, 1 << 30) }) : raw;
  bytes += b.length;
  walk(b, 0, b.length, 0);
}
process.stdout.write(`${JSON.stringify({ files: process.argv.length - 2, bytes, varints })}\n`);
