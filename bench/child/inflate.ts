// gunzip throughput of node's zlib (as src/decode/inflate.ts calls it: gunzipSync, output sized from the trailer) against
// pako 3's ungzip, on the same bytes, alternating so both see the same machine state. MB/s of output.
// The README's dependency table quotes this ratio. Usage: node dist/bench/child/inflate.js FILE ITERATIONS

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ungzip } from 'pako';
import { chunkSizeFor } from '../../src/decode/inflate.js';

const bytes = readFileSync(process.argv[2]);
const iterations = Number(process.argv[3] ?? '5');

function time(f: () => Uint8Array): { seconds: number; out: number } {
  const start = process.hrtime.bigint();
  const out = f().length;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, out };
}

const zlib: number[] = [];
const pako: number[] = [];
// One warm-up of each: the first call pays for compiling pako's JS.
gunzipSync(bytes);
ungzip(bytes);
for (let i = 0; i < iterations; i++) {
  const z = time(() => gunzipSync(bytes, { chunkSize: chunkSizeFor(bytes, 1 << 30) }));
  const p = time(() => ungzip(bytes));
  if (z.out !== p.out) throw new Error(`zlib gave ${z.out} bytes and pako ${p.out}`);
  zlib.push(z.out / 1e6 / z.seconds);
  pako.push(p.out / 1e6 / p.seconds);
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];
process.stdout.write(`${JSON.stringify({ inBytes: bytes.length, outBytes: gunzipSync(bytes).length, zlibMBps: median(zlib), pakoMBps: median(pako) })}\n`);
