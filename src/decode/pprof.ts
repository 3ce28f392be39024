// pprof protobuf (profile.proto, see proto/profile.proto for the field numbers) in two passes. Go writes
// the samples before the locations, functions and strings they refer to, so the first pass reads the small
// tables and only notes where each sample lies; pprof-resolve.ts then checks the tables and decodes each
// sample straight into the snapshot's columns, with no intermediate copy of a million location ids.

import type { Limits } from '../limits.js';
import { LIMIT_FLAGS } from '../limits.js';
import { LimitError } from '../errors.js';
import type { Snapshot } from '../model.js';
import { type Columns, GrowableU32 } from './columns.js';
import { endOf, skipNested, type RawFunction, type RawLine, type RawLocation, type RawMapping, type RawProfile, type RawValueType } from './pprof-raw.js';
import { resolveProfile } from './pprof-resolve.js';
import { LEN, VARINT, Wire } from './wire.js';

/** Profile field tags (field number << 3 | wire type) as Go writes them. */
const enum Tag {
  SampleType = (1 << 3) | LEN,
  Sample = (2 << 3) | LEN,
  Mapping = (3 << 3) | LEN,
  Location = (4 << 3) | LEN,
  Function = (5 << 3) | LEN,
  StringTable = (6 << 3) | LEN,
  TimeNanos = (9 << 3) | VARINT,
  DurationNanos = (10 << 3) | VARINT,
  PeriodType = (11 << 3) | LEN,
  Period = (12 << 3) | VARINT,
  DefaultSampleType = (14 << 3) | VARINT,
}

/** Profile fields 1-15 with their wire types: a field we know with another wire type is corruption. */
export const KNOWN_WIRE_TYPES: Readonly<Record<number, number>> = {
  1: LEN,
  2: LEN,
  3: LEN,
  4: LEN,
  5: LEN,
  6: LEN,
  7: VARINT,
  8: VARINT,
  9: VARINT,
  10: VARINT,
  11: LEN,
  12: VARINT,
  13: -1,
  14: VARINT,
  15: VARINT,
};

/**
 * Could these bytes be a pprof profile? The first field must be a Profile field with its proper wire type.
 * This only decides whether the protobuf decoder answers "my format" (and then reports any damage) or lets
 * the text and legacy sniffers try.
 */
export function looksLikePprof(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  const tag = bytes[0];
  const field = tag >>> 3;
  const wire = tag & 7;
  if (field < 1 || field > 15) return false;
  const expected = KNOWN_WIRE_TYPES[field];
  return expected === wire || (expected === -1 && (wire === VARINT || wire === LEN));
}

/** `columns`: buffers reused from the previous profile; the snapshot then holds views of them (see Columns). */
export function decodePprof(source: string, bytes: Uint8Array, limits: Limits, columns: Columns | null = null): Snapshot {
  const wire = new Wire(source, bytes);
  const raw = readProfile(wire, limits, columns);
  return resolveProfile(source, raw, limits, wire, columns);
}

function readProfile(w: Wire, limits: Limits, columns: Columns | null): RawProfile {
  const p: RawProfile = {
    sampleTypes: [],
    sampleStart: columns === null ? new GrowableU32() : columns.sampleStart.reset(1024),
    sampleEnd: columns === null ? new GrowableU32() : columns.sampleEnd.reset(1024),
    mappings: [],
    locations: [],
    functions: [],
    strings: [],
    timeMs: 0,
    durationNanos: 0,
    periodType: null,
    period: 0,
    defaultSampleType: 0,
  };
  let timeSeenAt = -1;
  while (w.pos < w.end) {
    const at = w.pos;
    const tag = w.uint();
    switch (tag) {
      case Tag.SampleType:
        p.sampleTypes.push(readValueType(w));
        break;
      case Tag.Sample:
        noteSample(w, p, limits);
        break;
      case Tag.Mapping:
        p.mappings.push(readMapping(w, at));
        break;
      case Tag.Location:
        p.locations.push(readLocation(w, at));
        checkCount(w, p.locations.length, limits.maxLocations, 'locations', 'maxLocations');
        break;
      case Tag.Function:
        p.functions.push(readFunction(w, at));
        break;
      case Tag.StringTable:
        p.strings.push(w.string());
        checkCount(w, p.strings.length, limits.maxStrings, 'strings', 'maxStrings');
        break;
      case Tag.TimeNanos:
        // A second time_nanos means two profiles were concatenated; pprof rejects such a file too.
        if (timeSeenAt >= 0) w.fail(`two profiles concatenated in one file (a second time_nanos; the first was at byte ${timeSeenAt})`, at);
        timeSeenAt = at;
        p.timeMs = w.nanosAsMillis();
        break;
      case Tag.DurationNanos:
        p.durationNanos = w.int();
        break;
      case Tag.PeriodType:
        p.periodType = readValueType(w);
        break;
      case Tag.Period:
        p.period = w.int();
        break;
      case Tag.DefaultSampleType:
        p.defaultSampleType = w.int();
        break;
      default:
        skipField(w, tag, at);
    }
  }
  return p;
}

function checkCount(w: Wire, n: number, max: number, what: string, limit: keyof Limits): void {
  if (n > max) {
    throw new LimitError(w.source, 'decode', `more than ${max} ${what}; raise ${LIMIT_FLAGS[limit]} if this profile is genuine`, { offset: w.pos });
  }
}

function skipField(w: Wire, tag: number, at: number): void {
  const field = tag >>> 3;
  const wire = tag & 7;
  if (field === 0) w.fail('field number 0 is not valid protobuf (corrupt data?)', at);
  const expected = KNOWN_WIRE_TYPES[field];
  if (expected !== undefined && expected !== -1 && expected !== wire) {
    w.fail(`Profile field ${field} has wire type ${wire}, expected ${expected} (corrupt data?)`, at);
  }
  w.skip(wire, field);
}

function readValueType(w: Wire): RawValueType {
  const end = w.len();
  const vt: RawValueType = { type: 0, unit: 0 };
  while (w.pos < end) {
    const at = w.pos;
    const tag = w.uint();
    if (tag === ((1 << 3) | VARINT)) vt.type = w.int();
    else if (tag === ((2 << 3) | VARINT)) vt.unit = w.int();
    else skipNested(w, tag, at, 'ValueType');
  }
  endOf(w, end, 'ValueType');
  return vt;
}

/** First pass: where the sample is; its fields are read once the tables they refer to are known. */
function noteSample(w: Wire, p: RawProfile, limits: Limits): void {
  const end = w.len();
  checkCount(w, p.sampleStart.length + 1, limits.maxSamples, 'samples', 'maxSamples');
  p.sampleStart.push(w.pos);
  p.sampleEnd.push(end);
  w.r.pos = end;
}

function readMapping(w: Wire, offset: number): RawMapping {
  const end = w.len();
  const m: RawMapping = { id: 0, filename: 0, buildId: 0, offset };
  while (w.pos < end) {
    const at = w.pos;
    const tag = w.uint();
    if (tag === ((1 << 3) | VARINT)) m.id = w.uint();
    else if (tag === ((5 << 3) | VARINT)) m.filename = w.int();
    else if (tag === ((6 << 3) | VARINT)) m.buildId = w.int();
    else skipNested(w, tag, at, 'Mapping');
  }
  endOf(w, end, 'Mapping');
  return m;
}

function readLocation(w: Wire, offset: number): RawLocation {
  const end = w.len();
  const loc: RawLocation = { id: 0, mappingId: 0, address: 0, lines: [], offset };
  while (w.pos < end) {
    const at = w.pos;
    const tag = w.uint();
    if (tag === ((1 << 3) | VARINT)) loc.id = w.uint();
    else if (tag === ((2 << 3) | VARINT)) loc.mappingId = w.uint();
    else if (tag === ((3 << 3) | VARINT)) loc.address = w.address();
    else if (tag === ((4 << 3) | LEN)) loc.lines.push(readLine(w));
    else skipNested(w, tag, at, 'Location');
  }
  endOf(w, end, 'Location');
  return loc;
}

function readLine(w: Wire): RawLine {
  const end = w.len();
  const line: RawLine = { functionId: 0, line: 0 };
  while (w.pos < end) {
    const at = w.pos;
    const tag = w.uint();
    if (tag === ((1 << 3) | VARINT)) line.functionId = w.uint();
    else if (tag === ((2 << 3) | VARINT)) line.line = w.int();
    else skipNested(w, tag, at, 'Line');
  }
  endOf(w, end, 'Line');
  return line;
}

function readFunction(w: Wire, offset: number): RawFunction {
  const end = w.len();
  const f: RawFunction = { id: 0, name: 0, systemName: 0, filename: 0, offset };
  while (w.pos < end) {
    const at = w.pos;
    const tag = w.uint();
    if (tag === ((1 << 3) | VARINT)) f.id = w.uint();
    else if (tag === ((2 << 3) | VARINT)) f.name = w.int();
    else if (tag === ((3 << 3) | VARINT)) f.systemName = w.int();
    else if (tag === ((4 << 3) | VARINT)) f.filename = w.int();
    else skipNested(w, tag, at, 'Function');
  }
  endOf(w, end, 'Function');
  return f;
}
