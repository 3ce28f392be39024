// The profile as it is on the wire, and what both passes of the pprof decoder read nested messages with:
// pprof.ts reads the tables and notes where each sample lies, pprof-resolve.ts decodes the samples (and
// their labels) once the tables are known.

import type { GrowableU32 } from './columns.js';
import { VARINT, LEN, type Wire } from './wire.js';

export interface RawValueType {
  type: number;
  unit: number;
}
export interface RawLine {
  functionId: number;
  line: number;
}
export interface RawLocation {
  id: number;
  mappingId: number;
  address: number;
  lines: RawLine[];
  offset: number;
}
export interface RawFunction {
  id: number;
  name: number;
  systemName: number;
  filename: number;
  offset: number;
}
export interface RawMapping {
  id: number;
  filename: number;
  buildId: number;
  offset: number;
}
export interface RawLabel {
  key: number;
  str: number;
  num: number;
}

/** The profile as it is on the wire: string indices and ids not yet resolved; samples as byte ranges. */
export interface RawProfile {
  sampleTypes: RawValueType[];
  /** Sample i's fields lie at bytes [sampleStart[i], sampleEnd[i]) of the input. */
  sampleStart: GrowableU32;
  sampleEnd: GrowableU32;
  mappings: RawMapping[];
  locations: RawLocation[];
  functions: RawFunction[];
  strings: string[];
  /** time_nanos as milliseconds since the epoch; 0 when absent. */
  timeMs: number;
  durationNanos: number;
  periodType: RawValueType | null;
  period: number;
  defaultSampleType: number;
}

/** Reads a Label into `l` (one object reused for every label of every sample: millions are read). */
export function readLabel(w: Wire, l: RawLabel): RawLabel {
  const end = w.len();
  l.key = 0;
  l.str = 0;
  l.num = 0;
  while (w.pos < end) {
    const at = w.pos;
    const tag = w.uint();
    if (tag === ((1 << 3) | VARINT)) l.key = w.int();
    else if (tag === ((2 << 3) | VARINT)) l.str = w.int();
    else if (tag === ((3 << 3) | VARINT)) l.num = w.int();
    else skipNested(w, tag, at, 'Label');
  }
  endOf(w, end, 'Label');
  return l;
}

/** Fields of the nested messages with their wire types (every one of them a varint but these). */
export const NESTED_FIELDS: Readonly<Record<string, Readonly<Record<number, number>>>> = {
  ValueType: { 1: VARINT, 2: VARINT },
  Sample: { 3: LEN },
  Label: { 1: VARINT, 2: VARINT, 3: VARINT, 4: VARINT },
  Mapping: { 1: VARINT, 2: VARINT, 3: VARINT, 4: VARINT, 5: VARINT, 6: VARINT, 7: VARINT, 8: VARINT, 9: VARINT, 10: VARINT },
  Location: { 1: VARINT, 2: VARINT, 3: VARINT, 4: LEN, 5: VARINT },
  Line: { 1: VARINT, 2: VARINT, 3: VARINT },
  Function: { 1: VARINT, 2: VARINT, 3: VARINT, 4: VARINT, 5: VARINT },
};

/** Unknown fields in nested messages are skipped (forward compatibility); known ones of the wrong type are corrupt. */
export function skipNested(w: Wire, tag: number, at: number, message: string): void {
  const field = tag >>> 3;
  const wire = tag & 7;
  if (field === 0) w.fail(`${message}: field number 0 is not valid protobuf (corrupt data?)`, at);
  const expected = NESTED_FIELDS[message]?.[field];
  if (expected !== undefined && expected !== wire) {
    w.fail(`${message} field ${field} has wire type ${wire}, expected ${expected} (corrupt data?)`, at);
  }
  w.skip(wire, field);
}

export function endOf(w: Wire, end: number, message: string): void {
  if (w.pos !== end) w.fail(`${message} overruns its declared length`);
}
