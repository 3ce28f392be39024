// Builds pprof profiles for tests from function names, never from raw string indices: the string table,
// functions and locations are interned here and the bytes are written by protobufjs's reflection encoder
// from proto/profile.proto, an encoder independent of the decoder under test.

import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { ROOT } from './paths.js';

/** `main.leak` or `main.leak@main.go:42`; an array is one location with inlined calls, innermost first. */
export type FrameSpec = string | readonly string[];

export interface TestSample {
  readonly stack: readonly FrameSpec[];
  readonly values: readonly number[];
  readonly labels?: Readonly<Record<string, string>>;
}

export interface TestProfile {
  readonly sampleTypes: readonly (readonly [string, string])[];
  readonly samples: readonly TestSample[];
  readonly timeNanos?: bigint;
  readonly period?: number;
  readonly periodType?: readonly [string, string];
  readonly defaultSampleType?: string;
  readonly mainBinary?: string;
}

let root: protobuf.Root | null = null;

export function profileType(): protobuf.Type {
  root ??= protobuf.loadSync(resolve(ROOT, 'proto/profile.proto'));
  return root.lookupType('perftools.profiles.Profile');
}

/** The message object protobufjs encodes; exposed so tests can corrupt one field at a time. */
export function profileObject(p: TestProfile): Record<string, unknown> {
  const strings = [''];
  const str = (s: string): number => {
    let i = strings.indexOf(s);
    if (i < 0) i = strings.push(s) - 1;
    return i;
  };
  const functions: { id: number; name: number; systemName: number; filename: number }[] = [];
  const fnIds = new Map<string, number>();
  const locations: { id: number; mappingId: number; address: number; line: { functionId: number; line: number }[] }[] = [];
  const locIds = new Map<string, number>();
  const fnId = (name: string, file: string): number => {
    const key = `${name}\u0000${file}`;
    let id = fnIds.get(key);
    if (id === undefined) {
      id = functions.length + 1;
      functions.push({ id, name: str(name), systemName: str(name), filename: str(file) });
      fnIds.set(key, id);
    }
    return id;
  };
  const locId = (spec: FrameSpec): number => {
    const lines = (typeof spec === 'string' ? [spec] : spec).map(parseFrame);
    const key = JSON.stringify(lines);
    let id = locIds.get(key);
    if (id === undefined) {
      id = locations.length + 1;
      locations.push({ id, mappingId: 1, address: 0x401000 + id * 16, line: lines.map((l) => ({ functionId: fnId(l.fn, l.file), line: l.line })) });
      locIds.set(key, id);
    }
    return id;
  };
  const sample = p.samples.map((s) => ({
    locationId: s.stack.map(locId),
    value: s.values,
    label: Object.entries(s.labels ?? {}).map(([k, v]) => ({ key: str(k), str: str(v) })),
  }));
  return {
    sampleType: p.sampleTypes.map(([t, u]) => ({ type: str(t), unit: str(u) })),
    sample,
    mapping: [{ id: 1, memoryStart: 0x400000, memoryLimit: 0x800000, filename: str(p.mainBinary ?? '/srv/app'), buildId: str('') }],
    location: locations,
    function: functions,
    stringTable: strings,
    timeNanos: p.timeNanos === undefined ? 0 : p.timeNanos.toString(),
    periodType: p.periodType === undefined ? undefined : { type: str(p.periodType[0]), unit: str(p.periodType[1]) },
    period: p.period ?? 0,
    defaultSampleType: p.defaultSampleType === undefined ? 0 : str(p.defaultSampleType),
  };
}

export function encodeObject(obj: Record<string, unknown>): Uint8Array {
  const type = profileType();
  return type.encode(type.fromObject(obj)).finish();
}

export function encodeProfile(p: TestProfile): Uint8Array {
  return encodeObject(profileObject(p));
}

function parseFrame(spec: string): { fn: string; file: string; line: number } {
  const at = spec.indexOf('@');
  if (at < 0) return { fn: spec, file: `/src/${spec.split('.')[0]}/x.go`, line: 10 };
  const [file, line] = spec.slice(at + 1).split(':');
  return { fn: spec.slice(0, at), file, line: Number(line ?? 0) };
}

/** A Go heap profile's sample types and period, as runtime/pprof writes them. */
export const HEAP_TYPES = [
  ['alloc_objects', 'count'],
  ['alloc_space', 'bytes'],
  ['inuse_objects', 'count'],
  ['inuse_space', 'bytes'],
] as const;

export function heapProfile(samples: readonly TestSample[], timeNanos = 1_764_123_631_000_000_000n): Uint8Array {
  return encodeProfile({ sampleTypes: HEAP_TYPES, samples, timeNanos, period: 524288, periodType: ['space', 'bytes'] });
}

export function goroutineProfile(samples: readonly TestSample[], timeNanos = 1_764_123_631_000_000_000n): Uint8Array {
  return encodeProfile({ sampleTypes: [['goroutine', 'count']], samples, timeNanos, period: 1, periodType: ['goroutine', 'count'] });
}

/**
 * A real captured profile (gzipped or raw) with its function names rewritten: the string-table entries that
 * functions name (name and system name) go through `rename`; everything else, samples, values and times,
 * stays as captured. The result is raw protobuf, which leakdiff reads like the gzipped form.
 */
export function renameFunctions(bytes: Uint8Array, rename: (fn: string) => string, renameFile: (file: string, fn: string) => string = (f) => f): Uint8Array {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const type = profileType();
  const obj = type.toObject(type.decode(raw), { longs: String }) as {
    stringTable: string[];
    function?: { name?: number | string; systemName?: number | string; filename?: number | string }[];
  };
  const names = new Set((obj.function ?? []).flatMap((f) => [Number(f.name ?? 0), Number(f.systemName ?? 0)]).filter((i) => i > 0));
  // A file name is renamed per function (a new string), so two functions of one file can be told apart.
  for (const f of obj.function ?? []) {
    const file = obj.stringTable[Number(f.filename ?? 0)];
    const renamed = renameFile(file, obj.stringTable[Number(f.name ?? 0)]);
    if (renamed !== file) f.filename = obj.stringTable.push(renamed) - 1;
  }
  obj.stringTable = obj.stringTable.map((s, i) => (names.has(i) ? rename(s) : s));
  return encodeObject(obj as unknown as Record<string, unknown>);
}
