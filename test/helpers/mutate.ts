// Seeded mutations of real captured profiles, shared by the fuzz test (a few thousand cases in CI) and
// `npm run fuzz` (long runs). Every case is reproducible from its seed.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FIXTURES } from './paths.js';

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** One small file of each form from two scenarios, raw and as captured (gzipped where it was). */
export function seeds(): Seed[] {
  const out: Seed[] = [];
  for (const scenario of ['map-leak', 'worker-leak']) {
    const dir = join(FIXTURES, scenario);
    const files = readdirSync(dir)
      .filter((f) => /-0[12]-/.test(f) && !f.endsWith('.json'))
      .sort();
    for (const f of files) {
      const bytes = readFileSync(join(dir, f));
      out.push({ name: `${scenario}/${f}`, bytes });
      if (f.endsWith('.gz')) out.push({ name: `${scenario}/${f} (inflated)`, bytes: gunzipSync(bytes) });
      else out.push({ name: `${scenario}/${f} (gzipped)`, bytes: gzipSync(bytes) });
    }
  }
  return out;
}

export type Mutation = 'flip' | 'truncate' | 'splice' | 'duplicate' | 'zero' | 'insert' | TextMutation;
const MUTATIONS: readonly Mutation[] = ['flip', 'truncate', 'splice', 'duplicate', 'zero', 'insert'];

/**
 * What happens to Go's text forms on their way to us: line ends rewritten by Windows tools (CRLF) or old Mac
 * ones (CR), tabs turned to spaces by an editor or a chat window (and back), a paste cut at a line or
 * mid-line, two dumps pasted one after the other (the same form or another), lines lost from the middle,
 * a byte-order mark, trailing blanks. Applied to the uncompressed text seeds only.
 */
export type TextMutation =
  'crlf' | 'cr' | 'tabs-to-spaces' | 'spaces-to-tabs' | 'cut-line' | 'cut-mid-line' | 'concatenate' | 'drop-lines' | 'bom' | 'trailing-blanks';
const TEXT_MUTATIONS: readonly TextMutation[] = [
  'crlf',
  'cr',
  'tabs-to-spaces',
  'spaces-to-tabs',
  'cut-line',
  'cut-mid-line',
  'concatenate',
  'drop-lines',
  'bom',
  'trailing-blanks',
];

const isTextSeed = (s: Seed): boolean => s.name.endsWith('.txt');

/** A seeded text mutation of one of the text seeds; reproducible from its seed as mutate() is. */
export function mutateText(corpus: readonly Seed[], seed: number): Case {
  const r = rng(seed);
  const pick = (n: number): number => Math.floor(r() * n);
  const texts = corpus.filter(isTextSeed);
  const base = texts[pick(texts.length)];
  const text = Buffer.from(base.bytes).toString('utf8');
  const lines = text.split('\n');
  const mutation = TEXT_MUTATIONS[pick(TEXT_MUTATIONS.length)];
  const cutAt = (n: number): number => 1 + pick(Math.max(1, n - 1));
  let out: string;
  switch (mutation) {
    case 'crlf':
      out = text.replace(/\n/g, '\r\n');
      break;
    case 'cr':
      out = text.replace(/\n/g, '\r');
      break;
    case 'tabs-to-spaces':
      out = text.replace(/\t/g, ' '.repeat(1 + pick(8)));
      break;
    case 'spaces-to-tabs':
      out = text.replace(/ {2,}/g, '\t').replace(/(?<=\S) (?=\S)/g, () => (r() < 0.3 ? '\t' : ' '));
      break;
    case 'cut-line':
      out = lines.slice(0, cutAt(lines.length)).join('\n');
      break;
    case 'cut-mid-line':
      out = text.slice(0, cutAt(text.length));
      break;
    case 'concatenate': {
      const other = Buffer.from(texts[pick(texts.length)].bytes).toString('utf8');
      out = `${text}${r() < 0.5 ? '\n' : ''}${other}`;
      break;
    }
    case 'drop-lines': {
      const from = pick(lines.length);
      out = [...lines.slice(0, from), ...lines.slice(from + 1 + pick(8))].join('\n');
      break;
    }
    case 'bom':
      out = `\uFEFF${text}`;
      break;
    case 'trailing-blanks':
      out = lines.map((l) => (r() < 0.5 ? `${l}${r() < 0.5 ? ' ' : '\t'}` : l)).join('\n');
      break;
  }
  return { seed, source: base.name, mutation, bytes: Buffer.from(out, 'utf8') };
}

export interface Case {
  readonly seed: number;
  readonly source: string;
  readonly mutation: Mutation;
  readonly bytes: Uint8Array;
}

export function mutate(corpus: readonly Seed[], seed: number): Case {
  const r = rng(seed);
  const pick = (n: number): number => Math.floor(r() * n);
  const base = corpus[pick(corpus.length)];
  const b = Buffer.from(base.bytes);
  const mutation = MUTATIONS[pick(MUTATIONS.length)];
  let out: Buffer = b;
  switch (mutation) {
    case 'flip':
      for (let i = 1 + pick(8); i > 0; i--) out[pick(out.length)] ^= 1 << pick(8);
      break;
    case 'truncate':
      out = b.subarray(0, pick(b.length));
      break;
    case 'splice': {
      const other = corpus[pick(corpus.length)].bytes;
      out = Buffer.concat([b.subarray(0, pick(b.length)), other.subarray(pick(other.length))]);
      break;
    }
    case 'duplicate': {
      const at = pick(b.length);
      const len = Math.min(1 + pick(4096), b.length - at);
      out = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
      break;
    }
    case 'zero': {
      const at = pick(b.length);
      out.fill(0, at, Math.min(b.length, at + 1 + pick(64)));
      break;
    }
    case 'insert': {
      const at = pick(b.length);
      const junk = Buffer.from(Array.from({ length: 1 + pick(32) }, () => pick(256)));
      out = Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
      break;
    }
  }
  return { seed, source: base.name, mutation, bytes: out };
}
