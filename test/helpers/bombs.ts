// Small files that decode to a lot: the hostile profiles the resource limits (src/limits.ts) must refuse.
// Each is a tiny real profile from profiles.ts with one message repeated many times. A protobuf message is
// the concatenation of its fields and a repeated field may appear anywhere, so appending the encoding of a
// Profile that holds only one sample (or location, or string) adds one more of it: protobufjs writes every
// piece, from proto/profile.proto, and the repetition costs no encoding time.

import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { profileObject, profileType } from './profiles.js';

const ROOT_SAMPLE = { stack: ['main.handle', 'main.serve'], values: [1] };

/** The base: a goroutine profile with one sample, its string table holding every name used below. */
function base(extraStrings: readonly string[]): Record<string, unknown> {
  const obj = profileObject({
    sampleTypes: [['goroutine', 'count']],
    samples: [ROOT_SAMPLE],
    timeNanos: 1_764_123_631_000_000_000n,
    period: 1,
    periodType: ['goroutine', 'count'],
  });
  (obj.stringTable as string[]).push(...extraStrings);
  return obj;
}

function encode(obj: Record<string, unknown>): Uint8Array {
  const type = profileType();
  return type.encode(type.fromObject(obj)).finish();
}

/** The bytes of a Profile holding only these samples: appended to a profile, they add its samples. */
function samplesOnly(samples: readonly Record<string, unknown>[]): Uint8Array {
  return encode({ sample: samples });
}

/**
 * `samples` samples of one stack, each with `labels` string labels (pprof.Do labels). With `distinct`, no two
 * samples have the same label set: label k takes value `a` or `b` by bit k of the sample's number, so a few
 * dozen strings make every set different.
 */
export function labelledProfile(samples: number, labels: number, distinct: boolean): Uint8Array {
  const keys = Array.from({ length: labels }, (_, k) => `key${k}`);
  const obj = base([...keys, 'a', 'b']);
  const strings = obj.stringTable as string[];
  const loc = (obj.sample as { locationId: number[] }[])[0].locationId;
  const labelBytes = (k: number, v: 'a' | 'b'): Uint8Array =>
    protobuf.Writer.create()
      .uint32((3 << 3) | 2)
      .bytes(encode0('Label', { key: strings.indexOf(keys[k]), str: strings.indexOf(v) }))
      .finish();
  const pieces = keys.map((_, k) => [labelBytes(k, 'a'), labelBytes(k, 'b')]);
  const head = encode0('Sample', { locationId: loc, value: [1] });
  const out: Uint8Array[] = [encode(obj)];
  for (let i = 0; i < samples; i++) {
    const body = Buffer.concat([head, ...pieces.map((p, k) => p[distinct && k < 31 && ((i >>> k) & 1) === 1 ? 1 : 0])]);
    out.push(
      protobuf.Writer.create()
        .uint32((2 << 3) | 2)
        .bytes(body)
        .finish(),
    );
    if (!distinct) {
      // Identical samples: one encoding, repeated.
      const one = out[1];
      for (let j = 1; j < samples; j++) out.push(one);
      break;
    }
  }
  return gzipSync(Buffer.concat(out));
}

/** A nested message of profile.proto (Sample, Label, Location...) alone. */
function encode0(name: string, obj: Record<string, unknown>): Uint8Array {
  const type = profileType().root.lookupType(`perftools.profiles.${name}`);
  return type.encode(type.fromObject(obj)).finish();
}

/**
 * One location with `inlined` lines (a deep chain of inlined calls) and `samples` samples whose stacks name
 * it `repeat` times: every sample stays under the stack-depth limit, but together they expand to
 * samples × repeat × inlined frames from a few bytes each.
 */
export function inlinedProfile(samples: number, inlined: number, repeat: number): Uint8Array {
  const frames = Array.from({ length: inlined }, (_, i) => `main.inlined${i}`);
  const obj = profileObject({
    sampleTypes: [['goroutine', 'count']],
    samples: [{ stack: [frames], values: [1] }],
    timeNanos: 1_764_123_631_000_000_000n,
    period: 1,
    periodType: ['goroutine', 'count'],
  });
  const loc = (obj.sample as { locationId: number[] }[])[0].locationId[0];
  const one = samplesOnly([{ locationId: new Array<number>(repeat).fill(loc), value: [1] }]);
  return gzipSync(Buffer.concat([encode(obj), ...new Array<Uint8Array>(samples).fill(one)]));
}

/** `count` extra entries in the string table, each `length` characters long. */
export function stringsProfile(count: number, length: number): Uint8Array {
  const one = encode({ stringTable: ['x'.repeat(length)] });
  return gzipSync(Buffer.concat([encode(base([])), ...new Array<Uint8Array>(count).fill(one)]));
}

/** `count` extra locations (ids after the base's), each with `lines` lines of one function. */
export function locationsProfile(count: number, lines: number): Uint8Array {
  const obj = base([]);
  const first = (obj.location as unknown[]).length + 1;
  const fn = (obj.function as { id: number }[])[0].id;
  const parts: Uint8Array[] = [encode(obj)];
  for (let i = 0; i < count; i++)
    parts.push(encode({ location: [{ id: first + i, mappingId: 1, address: 0x500000 + i, line: new Array(lines).fill({ functionId: fn, line: 1 }) }] }));
  return gzipSync(Buffer.concat(parts));
}

/** `samples` identical samples of a two-frame stack in a heap profile (four values each). */
export function manySamplesProfile(samples: number): Uint8Array {
  const obj = profileObject({
    sampleTypes: [
      ['alloc_objects', 'count'],
      ['alloc_space', 'bytes'],
      ['inuse_objects', 'count'],
      ['inuse_space', 'bytes'],
    ],
    samples: [{ stack: ['main.a', 'main.b'], values: [1, 512, 1, 512] }],
    timeNanos: 1_764_123_631_000_000_000n,
    period: 524288,
    periodType: ['space', 'bytes'],
  });
  const s = (obj.sample as { locationId: number[]; value: number[] }[])[0];
  const one = samplesOnly([{ locationId: s.locationId, value: s.value }]);
  return gzipSync(Buffer.concat([encode(obj), ...new Array<Uint8Array>(samples).fill(one)]));
}
