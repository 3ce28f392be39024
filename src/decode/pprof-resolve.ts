// Second pass of pprof decoding: check the raw tables with pprof's own validity rules (ids nonzero and
// unique, every reference resolves, string_table[0] empty, one value per sample type), then decode each
// sample from its byte range straight into the Snapshot's columns, resolving ids and string indices on the
// way, so no later stage ever sees an index.

import { MalformedError, UnsupportedError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { Kind, Snapshot, ValueType } from '../model.js';
import { SnapshotBuilder } from './builder.js';
import type { Columns } from './columns.js';
import { readLabel, skipNested, type RawFunction, type RawLabel, type RawLocation, type RawMapping, type RawProfile, type RawValueType } from './pprof-raw.js';
import type { GrowableU32 } from './columns.js';
import { LEN, VARINT, type Wire } from './wire.js';

class Resolver {
  constructor(
    readonly source: string,
    readonly raw: RawProfile,
  ) {}

  fail(detail: string, offset: number | null = null): never {
    throw new MalformedError(this.source, 'validate', detail, offset === null ? null : { offset });
  }

  str(index: number, what: string, offset: number | null = null): string {
    if (!Number.isInteger(index) || index < 0 || index >= this.raw.strings.length) {
      this.fail(`${what} refers to string ${index}, but the string table has ${this.raw.strings.length} entries`, offset);
    }
    return this.raw.strings[index];
  }

  valueType(vt: RawValueType, what: string): ValueType {
    return { type: this.str(vt.type, `${what} type`), unit: this.str(vt.unit, `${what} unit`) };
  }
}

export function resolveProfile(source: string, raw: RawProfile, limits: Limits, w: Wire, columns: Columns | null = null): Snapshot {
  const rs = new Resolver(source, raw);
  if (raw.strings.length === 0 || raw.strings[0] !== '') {
    rs.fail(raw.strings.length === 0 ? 'the string table is empty (string_table[0] must be "")' : 'string_table[0] must be the empty string');
  }
  if (raw.sampleTypes.length === 0) rs.fail('the profile declares no sample types');
  const sampleTypes = raw.sampleTypes.map((vt) => rs.valueType(vt, 'sample_type'));
  const periodType = raw.periodType === null ? null : rs.valueType(raw.periodType, 'period_type');
  const defaultName = raw.defaultSampleType === 0 ? '' : rs.str(raw.defaultSampleType, 'default_sample_type');
  const b = new SnapshotBuilder(
    {
      source,
      form: 'pprof',
      kind: kindOf(sampleTypes),
      sampleTypes,
      defaultSampleType: sampleTypes.findIndex((t) => t.type === defaultName),
      period: periodType === null ? null : { type: periodType, value: raw.period },
      timeMs: raw.timeMs === 0 ? null : raw.timeMs,
      durationNanos: raw.durationNanos,
      binary: mainBinary(rs, raw.mappings),
    },
    limits,
    expectedSize(raw),
    columns,
  );
  const locations = resolveLocations(rs, b, raw);
  addSamples(rs, b, raw, locations, sampleTypes.length, w);
  if (rs.raw.strings.some((s) => s.includes('\uFFFD'))) {
    b.warn('the string table holds invalid UTF-8; the bad bytes are shown as U+FFFD');
  }
  return b.build();
}

/**
 * Samples are counted; frames are at most the samples' bytes (a location id takes at least one) times the
 * average lines per location (inlining), a bound that keeps the column from regrowing.
 */
function expectedSize(raw: RawProfile): { samples: number; frames: number } {
  const lines = raw.locations.reduce((n, l) => n + Math.max(1, l.lines.length), 0);
  const perLocation = raw.locations.length === 0 ? 1 : lines / raw.locations.length;
  let bytes = 0;
  for (let i = 0; i < raw.sampleStart.length; i++) bytes += raw.sampleEnd.data[i] - raw.sampleStart.data[i];
  return { samples: raw.sampleStart.length, frames: Math.ceil((bytes / 2) * perLocation) + 16 };
}

/** The kind from the sample types Go writes: goroutine/count, goroutineleak/count, or the heap's four. */
export function kindOf(sampleTypes: readonly ValueType[]): Kind {
  const names = new Set(sampleTypes.map((t) => t.type));
  if (names.has('goroutineleak')) return 'goroutineleak';
  if (names.has('goroutine')) return 'goroutine';
  if (names.has('inuse_space') || names.has('alloc_space')) return 'heap';
  return 'other';
}

function mainBinary(rs: Resolver, mappings: RawMapping[]): string | null {
  checkIds(rs, mappings, 'mapping');
  // Go lists the main executable's mapping first.
  const m = mappings[0];
  if (m === undefined) return null;
  const file = rs.str(m.filename, 'mapping filename', m.offset);
  const build = rs.str(m.buildId, 'mapping build_id', m.offset);
  return build !== '' ? `${file} (build ${build})` : file === '' ? null : file;
}

function checkIds(rs: Resolver, items: readonly { id: number; offset: number }[], what: string): void {
  const seen = new Set<number>();
  for (const it of items) {
    if (it.id === 0) rs.fail(`a ${what} has id 0; ids must be nonzero`, it.offset);
    if (seen.has(it.id)) rs.fail(`two ${what}s share id ${it.id}`, it.offset);
    seen.add(it.id);
  }
}

/**
 * Location id → frame indices, innermost inlined call first, over typed arrays: location k's frames are
 * frames[start[k] .. start[k + 1]), and a sample's location ids are copied into its stack as runs of that one
 * buffer (no array per location, no closure per sample). Go numbers locations 1..n, so a dense table indexed
 * by id serves the million lookups of a large profile; sparse ids from other writers use the map.
 */
export class LocationTable {
  private readonly slotOf: Int32Array;
  /**
   * By id, like slotOf: the frame of a location that has exactly one (no inlining, nearly all of them in
   * Go's profiles), else -1. The loop over every frame reference reads it first: one load and a branch
   * that is almost always taken, instead of the slot, its two bounds and a loop of one.
   */
  private readonly oneFrame: Int32Array;
  private readonly sparse = new Map<number, number>();
  private start: Uint32Array;
  private frames: Uint32Array;
  private count = 0;
  /** The most frames one location has (inlining): how far a list of n ids can grow a stack. */
  deepest = 1;
  constructor(denseLimit: number, locations: number, lines: number) {
    this.slotOf = new Int32Array(denseLimit).fill(-1);
    this.oneFrame = new Int32Array(denseLimit).fill(-1);
    this.start = new Uint32Array(locations + 1);
    this.frames = new Uint32Array(Math.max(1, lines));
  }
  /** Adds a location's frames; locations are added once each (ids were checked unique). */
  set(id: number, frames: readonly number[]): void {
    const k = this.count++;
    if (k + 1 >= this.start.length) this.start = grownU32(this.start, 2 * this.start.length + 2);
    const from = this.start[k];
    if (from + frames.length > this.frames.length) this.frames = grownU32(this.frames, Math.max(from + frames.length, 2 * this.frames.length));
    for (let i = 0; i < frames.length; i++) this.frames[from + i] = frames[i];
    this.start[k + 1] = from + frames.length;
    this.deepest = Math.max(this.deepest, frames.length);
    if (id < this.slotOf.length) {
      this.slotOf[id] = k;
      if (frames.length === 1) this.oneFrame[id] = frames[0];
    } else this.sparse.set(id, k);
  }
  /** The location's slot, or -1 when no location has this id. */
  slot(id: number): number {
    return id < this.slotOf.length ? this.slotOf[id] : (this.sparse.get(id) ?? -1);
  }
  /** Appends the frames of the location in `slot` to the sample being built. */
  pushInto(b: SnapshotBuilder, slot: number): void {
    b.pushFrameRun(this.frames, this.start[slot], this.start[slot + 1]);
  }

  /**
   * Reads a packed list of location ids up to `end` and appends their frames to `to` (which has room for
   * deepest frames per byte): the loop that visits every frame reference of a profile, so one-byte and
   * two-byte varints are read inline and nothing is checked per id but the id. Returns true when every id
   * was read so; false, with nothing appended, at a longer varint or an id not in the dense table.
   */
  readPackedInto(buf: Uint8Array, pos: number, end: number, to: GrowableU32): boolean {
    const { slotOf, oneFrame, start, frames } = this;
    const out = to.data;
    let k = to.length;
    // Every byte but the list's last is followed by one inside the buffer, so both are read before knowing
    // whether the varint has one byte or two: the length selects by arithmetic, not by a branch on data
    // that mixes both (Go numbers the locations of a large profile past 127).
    const last = end - 1;
    while (pos < end) {
      const b0 = buf[pos];
      let id = b0;
      if (pos < last) {
        const two = b0 >>> 7;
        const b1 = buf[pos + 1];
        if ((b1 & (two << 7)) !== 0) return false;
        id = (b0 & 0x7f) | (((b1 & 0x7f) << 7) & -two);
        pos += 1 + two;
      } else {
        if (b0 >= 0x80) return false;
        pos++;
      }
      const only = id < oneFrame.length ? oneFrame[id] : -1;
      if (only >= 0) {
        out[k++] = only;
        continue;
      }
      const slot = id < slotOf.length ? slotOf[id] : -1;
      if (slot < 0) return false;
      const from = start[slot];
      const until = start[slot + 1];
      for (let f = from; f < until; f++) out[k++] = frames[f];
    }
    to.length = k;
    return true;
  }
}

function grownU32(a: Uint32Array, size: number): Uint32Array {
  const next = new Uint32Array(size);
  next.set(a);
  return next;
}

/** Each location id maps to its frame indices, innermost inlined call first. */
function resolveLocations(rs: Resolver, b: SnapshotBuilder, raw: RawProfile): LocationTable {
  checkIds(rs, raw.functions, 'function');
  checkIds(rs, raw.locations, 'location');
  const functions = new Map<number, { name: string; file: string }>();
  for (const f of raw.functions) functions.set(f.id, resolveFunction(rs, f));
  const mappingIds = new Set(raw.mappings.map((m) => m.id));
  const lines = raw.locations.reduce((n, l) => n + Math.max(1, l.lines.length), 0);
  const out = new LocationTable(4 * raw.locations.length + 16, raw.locations.length, lines);
  let symbolized = raw.locations.length === 0;
  for (const loc of raw.locations) {
    if (loc.mappingId !== 0 && !mappingIds.has(loc.mappingId)) {
      rs.fail(`location ${loc.id} refers to mapping ${loc.mappingId}, which does not exist`, loc.offset);
    }
    if (loc.lines.length > 0) symbolized = true;
    out.set(loc.id, locationFrames(rs, b, loc, functions));
  }
  if (!symbolized) {
    throw new UnsupportedError(
      rs.source,
      'decode',
      'the profile is not symbolized (addresses only, no function names); symbolize it first, e.g. `go tool pprof -proto BINARY FILE > symbolized.pb.gz`',
    );
  }
  return out;
}

function resolveFunction(rs: Resolver, f: RawFunction): { name: string; file: string } {
  return { name: rs.str(f.name, `function ${f.id} name`, f.offset), file: rs.str(f.filename, `function ${f.id} filename`, f.offset) };
}

function locationFrames(rs: Resolver, b: SnapshotBuilder, loc: RawLocation, functions: Map<number, { name: string; file: string }>): number[] {
  if (loc.lines.length === 0) {
    // Unsymbolized location among symbolized ones (e.g. a cgo frame): its address is all we have.
    return [b.frame(`0x${loc.address.toString(16)}`, '', 0)];
  }
  return loc.lines.map((line, i) => {
    const fn = functions.get(line.functionId);
    if (fn === undefined) rs.fail(`location ${loc.id} refers to function ${line.functionId}, which does not exist`, loc.offset);
    // The last line is the caller the preceding ones were inlined into (profile.proto, Location.line).
    return b.frame(fn.name, fn.file, line.line, i < loc.lines.length - 1);
  });
}

function addSamples(rs: Resolver, b: SnapshotBuilder, raw: RawProfile, locations: LocationTable, width: number, w: Wire): void {
  const row = new Float64Array(width);
  const count = raw.sampleStart.length;
  const r = w.r;
  const delta = new DeltaEvidence();
  /** The sample's string labels as key and value string indices, resolved once per distinct set. */
  const pairs: number[] = [];
  const label: RawLabel = { key: 0, str: 0, num: 0 };
  const sets = new LabelIndex();
  for (let i = 0; i < count; i++) {
    const start = raw.sampleStart.data[i];
    const end = raw.sampleEnd.data[i];
    r.pos = start;
    let values = 0;
    // Setting an empty array's length is a call into the runtime, per sample: most profiles carry no string label.
    if (pairs.length !== 0) pairs.length = 0;
    while (r.pos < end) {
      const at = r.pos;
      const tag = w.uint();
      const field = tag >>> 3;
      if (field === 1) readLocationIds(rs, b, w, tag & 7, locations, i, start);
      else if (field === 2) values = readValues(w, tag & 7, row, values, width);
      else if (tag === ((3 << 3) | LEN)) addLabel(pairs, readLabel(w, label));
      else skipNested(w, tag, at, 'Sample');
    }
    if (r.pos !== end) w.fail('Sample overruns its declared length');
    if (values !== width) rs.fail(`sample ${i} has ${values} values but the profile declares ${width} sample types`, start);
    const labels = pairs.length === 0 ? null : sets.get(pairs, () => b.labelSet(pairs.join(','), () => labelRecord(rs, pairs, start)));
    delta.note(row, labels, i, start);
    b.endSample(row, labels);
  }
  delta.refuse(rs, count);
}

/**
 * A delta profile is the difference of two snapshots, not a snapshot: `go tool pprof -proto -diff_base=a b`
 * negates a's samples and labels them `pprof::base` (internal/driver/fetch.go), and continuous profilers
 * (Pyroscope, Parca, Datadog) store heap profiles as deltas between collections. The Go runtime never writes
 * a negative count or size (runtime/pprof/protomem.go), so a negative value, or the base label, says what the
 * file is. Fitting it as a snapshot would read a shrinking site as a heap of negative size, so it is refused.
 */
class DeltaEvidence {
  private samples = 0;
  private first: { sample: number; offset: number; value: number; type: number } | null = null;
  private baseLabel = false;

  note(row: Float64Array, labels: Readonly<Record<string, string>> | null, sample: number, offset: number): void {
    let k = 0;
    while (k < row.length && !(row[k] < 0)) k++;
    if (k === row.length) k = -1;
    if (labels !== null && labels['pprof::base'] !== undefined) this.baseLabel = true;
    if (k < 0) return;
    this.samples++;
    this.first ??= { sample, offset, value: row[k], type: k };
  }

  refuse(rs: Resolver, count: number): void {
    if (this.first === null && !this.baseLabel) return;
    const what =
      'a delta profile (the change between two snapshots, as `go tool pprof -diff_base` and continuous profilers such as Pyroscope, Parca or Datadog write it), not a snapshot';
    const fix = 'give leakdiff the snapshots themselves, as /debug/pprof/heap or /debug/pprof/goroutine serve them';
    if (this.first === null) throw new UnsupportedError(rs.source, 'decode', `this is ${what}: its samples carry the pprof::base label of a diff base; ${fix}`);
    const type = rs.raw.sampleTypes[this.first.type];
    const name = rs.raw.strings[type?.type ?? 0] ?? '';
    const f = this.first;
    throw new UnsupportedError(
      rs.source,
      'decode',
      `this is ${what}: ${this.samples} of ${count} samples have negative values (sample ${f.sample}: ${name} ${f.value}); ${fix}`,
      { offset: f.offset },
    );
  }
}

/*
 * Sample.location_id and Sample.value are repeated integers, and both encodings must decode: packed (one LEN
 * field holding many varints) or unpacked (one VARINT field per element). Go's runtime/pprof writes both:
 * its protobuf encoder (int64s and uint64s in runtime/pprof/protobuf.go) packs a list only when it holds more
 * than two elements, so a heap sample's two values, or a goroutine sample's one, arrive unpacked.
 */

/** Location ids, packed or not, each resolved to its frames and appended to the sample's stack. */
function readLocationIds(rs: Resolver, b: SnapshotBuilder, w: Wire, wire: number, locations: LocationTable, sample: number, offset: number): void {
  const r = w.r;
  if (wire === VARINT) return pushLocation(rs, b, w, locations, sample, offset);
  if (wire !== LEN) w.fail(`field 1 has wire type ${wire}; expected a varint or a packed list`);
  const end = w.len();
  // The fast path: ids of one or two bytes in the dense table, with room for the frames they can add;
  // anything else (a longer varint, a sparse or unknown id) is read again below, one id at a time.
  const room = b.frameRoom((end - r.pos) * locations.deepest);
  if (room !== null && locations.readPackedInto(r.buf, r.pos, end, room)) {
    r.pos = end;
    return;
  }
  while (r.pos < end) pushLocation(rs, b, w, locations, sample, offset);
  if (r.pos !== end) w.fail('packed field 1 overruns its length');
}

/** One location id, resolved to its frames and appended to the sample's stack. */
function pushLocation(rs: Resolver, b: SnapshotBuilder, w: Wire, locations: LocationTable, sample: number, offset: number): void {
  const r = w.r;
  // Location ids are small in Go's profiles: a one-byte varint is read inline.
  const byte = r.buf[r.pos];
  const id = byte < 0x80 ? (r.pos++, byte) : w.uint();
  const slot = locations.slot(id);
  if (slot < 0) rs.fail(`sample ${sample} refers to location ${id}, which does not exist`, offset);
  locations.pushInto(b, slot);
}

/** Values, packed or not, into the row; returns how many the sample has so far (more than width is counted). */
function readValues(w: Wire, wire: number, row: Float64Array, n: number, width: number): number {
  if (wire === VARINT) {
    const v = w.int();
    if (n < width) row[n] = v;
    return n + 1;
  }
  if (wire !== LEN) w.fail(`field 2 has wire type ${wire}; expected a varint or a packed list`);
  const end = w.len();
  let k = n;
  while (w.r.pos < end) {
    const v = w.int();
    if (k < width) row[k] = v;
    k++;
  }
  if (w.r.pos !== end) w.fail('packed field 2 overruns its length');
  return k;
}

/**
 * A sample's label indices to its shared label set, without building a key string per sample: a hash of the
 * indices finds the candidates, compared in full. The builder counts each new set against the limit.
 */
class LabelIndex {
  private readonly byHash = new Map<number, { pairs: number[]; set: Readonly<Record<string, string>> }[]>();

  get(pairs: readonly number[], make: () => Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    let h = 0x811c9dc5;
    for (let i = 0; i < pairs.length; i++) h = Math.imul(h ^ pairs[i], 0x01000193);
    const bucket = this.byHash.get(h);
    const hit = bucket?.find((c) => c.pairs.length === pairs.length && c.pairs.every((v, i) => v === pairs[i]));
    if (hit !== undefined) return hit.set;
    const entry = { pairs: [...pairs], set: make() };
    if (bucket === undefined) this.byHash.set(h, [entry]);
    else bucket.push(entry);
    return entry.set;
  }
}

function addLabel(pairs: number[], l: RawLabel): void {
  // Only string labels are kept (pprof.Do labels); Go puts a numeric `bytes` label on every heap sample.
  if (l.str !== 0) pairs.push(l.key, l.str);
}

function labelRecord(rs: Resolver, pairs: readonly number[], offset: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let k = 0; k < pairs.length; k += 2) out[rs.str(pairs[k], 'label key', offset)] = rs.str(pairs[k + 1], 'label value', offset);
  return out;
}
