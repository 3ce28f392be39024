// Second half of pprof decoding: check the raw tables with pprof's own validity rules (ids nonzero and
// unique, every reference resolves, string_table[0] empty, one value per sample type), then resolve ids
// and string indices into a Snapshot, so no later stage ever sees an index.

import { MalformedError, UnsupportedError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { Kind, Snapshot, ValueType } from '../model.js';
import { SnapshotBuilder } from './builder.js';
import type { RawFunction, RawLabel, RawLocation, RawMapping, RawProfile, RawValueType } from './pprof.js';

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

export function resolveProfile(source: string, raw: RawProfile, limits: Limits): Snapshot {
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
  );
  const locations = resolveLocations(rs, b, raw);
  addSamples(rs, b, raw, locations, sampleTypes.length);
  if (rs.raw.strings.some((s) => s.includes('\uFFFD'))) {
    b.warn('the string table holds invalid UTF-8; the bad bytes are shown as U+FFFD');
  }
  return b.build();
}

/** Samples are known; frames are location ids times the average lines per location (inlining). */
function expectedSize(raw: RawProfile): { samples: number; frames: number } {
  const lines = raw.locations.reduce((n, l) => n + Math.max(1, l.lines.length), 0);
  const perLocation = raw.locations.length === 0 ? 1 : lines / raw.locations.length;
  return { samples: raw.locStart.length - 1, frames: Math.ceil(raw.sampleLocationIds.length * perLocation) + 16 };
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
 * Location id → frame indices, innermost inlined call first. Go numbers locations 1..n, so a dense array
 * indexed by id serves the million lookups of a large profile; sparse ids from other writers use the map.
 */
class LocationTable {
  private readonly dense: (number[] | undefined)[] = [];
  private readonly sparse = new Map<number, number[]>();
  constructor(private readonly denseLimit: number) {}
  set(id: number, frames: number[]): void {
    if (id < this.denseLimit) this.dense[id] = frames;
    else this.sparse.set(id, frames);
  }
  get(id: number): number[] | undefined {
    return id < this.denseLimit ? this.dense[id] : this.sparse.get(id);
  }
}

/** Each location id maps to its frame indices, innermost inlined call first. */
function resolveLocations(rs: Resolver, b: SnapshotBuilder, raw: RawProfile): LocationTable {
  checkIds(rs, raw.functions, 'function');
  checkIds(rs, raw.locations, 'location');
  const functions = new Map<number, { name: string; file: string }>();
  for (const f of raw.functions) functions.set(f.id, resolveFunction(rs, f));
  const mappingIds = new Set(raw.mappings.map((m) => m.id));
  const out = new LocationTable(4 * raw.locations.length + 16);
  let symbolized = raw.locations.length === 0;
  for (const loc of raw.locations) {
    if (loc.mappingId !== 0 && !mappingIds.has(loc.mappingId)) {
      rs.fail(`location ${loc.id} refers to mapping ${loc.mappingId}, which does not exist`, loc.offset);
    }
    if (loc.lines.length > 0) symbolized = true;
    out.set(loc.id, locationFrames(rs, b, loc, functions));
  }
  if (!symbolized) {
    throw new UnsupportedError(rs.source, 'decode', 'the profile is not symbolized (addresses only, no function names); symbolize it first, e.g. `go tool pprof -proto BINARY FILE > symbolized.pb.gz`');
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

function addSamples(rs: Resolver, b: SnapshotBuilder, raw: RawProfile, locations: LocationTable, width: number): void {
  const ids = raw.sampleLocationIds.data;
  const values = raw.values.data;
  const stack: number[] = [];
  const row = new Float64Array(width);
  const count = raw.locStart.length - 1;
  for (let i = 0; i < count; i++) {
    const offset = raw.sampleOffsets.data[i];
    const v0 = raw.valueStart.data[i];
    const n = raw.valueStart.data[i + 1] - v0;
    if (n !== width) rs.fail(`sample ${i} has ${n} values but the profile declares ${width} sample types`, offset);
    for (let t = 0; t < width; t++) row[t] = values[v0 + t];
    stack.length = 0;
    for (let k = raw.locStart.data[i]; k < raw.locStart.data[i + 1]; k++) {
      const frames = locations.get(ids[k]);
      if (frames === undefined) rs.fail(`sample ${i} refers to location ${ids[k]}, which does not exist`, offset);
      for (let j = 0; j < frames.length; j++) stack.push(frames[j]);
    }
    const rawLabels = raw.labels.size === 0 ? undefined : raw.labels.get(i);
    const labels = rawLabels === undefined ? null : stringLabels(rs, rawLabels, offset);
    b.addSample(stack, row, labels === null ? {} : { labels });
  }
}

/**
 * String labels only (pprof.Do labels on goroutines). Numeric labels are dropped: in Go heap profiles they
 * carry the object size ("bytes"), which is not an identity and would cost an object per sample.
 */
function stringLabels(rs: Resolver, labels: RawLabel[], offset: number): Record<string, string> | null {
  const out: Record<string, string> = {};
  let any = false;
  for (const l of labels) {
    const key = rs.str(l.key, 'label key', offset);
    if (l.str !== 0) {
      out[key] = rs.str(l.str, `label ${key} value`, offset);
      any = true;
    }
  }
  return any ? out : null;
}
