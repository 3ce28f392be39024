// Derives a smaller series from a real one by keeping a fixed random share of its stacks, for the "time is
// linear in stacks" row. Each profile is decoded and re-encoded by protobufjs reflection from our
// proto/profile.proto (independent of the decoder under test). Selection is by stack identity (function
// names and lines, not location ids, which Go numbers afresh in every file) through a seeded hash, so the
// same stacks survive in every snapshot, a leak stays a leak, and a 25% series is a subset of the 50% one.
// Locations and functions no kept sample uses are dropped; the string table (a few thousand names, small
// beside the samples) is kept whole.
// Usage: node dist/bench/sample-series.js --fraction 0.25 --seed 1 --out DIR FILE...

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/** An int64 as protobufjs gives it: a number, or a Long when the `long` package is present. */
type Int = number | { toNumber(): number };

interface Sample {
  locationId: Int[];
}
interface Line {
  functionId: Int;
  line: Int;
}
interface Location {
  id: Int;
  line: Line[];
}
interface PFunction {
  id: Int;
  name: Int;
}
interface Profile {
  sample: Sample[];
  location: Location[];
  function: PFunction[];
  stringTable: string[];
}

export interface SampledFile {
  readonly file: string;
  readonly samples: number;
  readonly kept: number;
  readonly stacks: number;
  readonly keptStacks: number;
}

const num = (v: Int): number => (typeof v === 'number' ? v : v.toNumber());

/** FNV-1a over the key, salted by the seed, then murmur3's finalizer: a uniform value in [0, 1). */
export function stackDraw(key: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 2 ** 32;
}

function profileType(): protobuf.Type {
  const proto = fileURLToPath(new URL('../../proto/profile.proto', import.meta.url));
  return protobuf.loadSync(proto).lookupType('perftools.profiles.Profile');
}

function stackKeys(p: Profile): string[] {
  const fnName = new Map(p.function.map((f) => [num(f.id), p.stringTable[num(f.name)]]));
  const locKey = new Map(p.location.map((l) => [num(l.id), l.line.map((ln) => `${fnName.get(num(ln.functionId))}:${num(ln.line)}`).join(';')]));
  return p.sample.map((s) => s.locationId.map((id) => locKey.get(num(id))).join('|'));
}

export function sampleFile(type: protobuf.Type, path: string, outDir: string, fraction: number, seed: number): SampledFile {
  const p = type.decode(gunzipSync(readFileSync(path))) as unknown as Profile;
  const keys = stackKeys(p);
  const keep = keys.map((k) => stackDraw(k, seed) < fraction);
  const samples = p.sample.length;
  p.sample = p.sample.filter((_, i) => keep[i]);
  const usedLocations = new Set(p.sample.flatMap((s) => s.locationId.map(num)));
  p.location = p.location.filter((l) => usedLocations.has(num(l.id)));
  const usedFunctions = new Set(p.location.flatMap((l) => l.line.map((ln) => num(ln.functionId))));
  p.function = p.function.filter((f) => usedFunctions.has(num(f.id)));
  const out = join(outDir, basename(path));
  writeFileSync(out, gzipSync(type.encode(p as unknown as protobuf.Message).finish()));
  return { file: out, samples, kept: p.sample.length, stacks: new Set(keys).size, keptStacks: new Set(keys.filter((_, i) => keep[i])).size };
}

function main(argv: string[]): void {
  const opt = (name: string): string => {
    const i = argv.indexOf(name);
    if (i < 0 || i + 1 >= argv.length) throw new Error(`sample-series: ${name} is required (usage: --fraction 0.25 --seed 1 --out DIR FILE...)`);
    return argv.splice(i, 2)[1];
  };
  const fraction = Number(opt('--fraction'));
  const seed = Number(opt('--seed'));
  const outDir = resolve(opt('--out'));
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`sample-series: --fraction must be in (0, 1], not ${fraction}`);
  mkdirSync(outDir, { recursive: true });
  const type = profileType();
  const files = argv.map((f) => sampleFile(type, f, outDir, fraction, seed));
  process.stdout.write(`${JSON.stringify(files)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
