// Second pass of pprof decoding: check the raw tables with pprof's own validity rules (ids nonzero and
// unique, every reference resolves, string_table[0] empty, one value per sample type), then decode each
// sample from its byte range straight into the Snapshot's columns, resolving ids and string indices on the
// way, so no later stage ever sees an index.
import { MalformedError, UnsupportedError } from '../errors.js';
import { SnapshotBuilder } from './builder.js';
import { readLabel, skipNested } from './pprof.js';
import { LEN, VARINT } from './wire.js';
class Resolver {
    source;
    raw;
    constructor(source, raw) {
        this.source = source;
        this.raw = raw;
    }
    fail(detail, offset = null) {
        throw new MalformedError(this.source, 'validate', detail, offset === null ? null : { offset });
    }
    str(index, what, offset = null) {
        if (!Number.isInteger(index) || index < 0 || index >= this.raw.strings.length) {
            this.fail(`${what} refers to string ${index}, but the string table has ${this.raw.strings.length} entries`, offset);
        }
        return this.raw.strings[index];
    }
    valueType(vt, what) {
        return { type: this.str(vt.type, `${what} type`), unit: this.str(vt.unit, `${what} unit`) };
    }
}
export function resolveProfile(source, raw, limits, w) {
    const rs = new Resolver(source, raw);
    if (raw.strings.length === 0 || raw.strings[0] !== '') {
        rs.fail(raw.strings.length === 0 ? 'the string table is empty (string_table[0] must be "")' : 'string_table[0] must be the empty string');
    }
    if (raw.sampleTypes.length === 0)
        rs.fail('the profile declares no sample types');
    const sampleTypes = raw.sampleTypes.map((vt) => rs.valueType(vt, 'sample_type'));
    const periodType = raw.periodType === null ? null : rs.valueType(raw.periodType, 'period_type');
    const defaultName = raw.defaultSampleType === 0 ? '' : rs.str(raw.defaultSampleType, 'default_sample_type');
    const b = new SnapshotBuilder({
        source,
        form: 'pprof',
        kind: kindOf(sampleTypes),
        sampleTypes,
        defaultSampleType: sampleTypes.findIndex((t) => t.type === defaultName),
        period: periodType === null ? null : { type: periodType, value: raw.period },
        timeMs: raw.timeMs === 0 ? null : raw.timeMs,
        durationNanos: raw.durationNanos,
        binary: mainBinary(rs, raw.mappings),
    }, limits, expectedSize(raw));
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
function expectedSize(raw) {
    const lines = raw.locations.reduce((n, l) => n + Math.max(1, l.lines.length), 0);
    const perLocation = raw.locations.length === 0 ? 1 : lines / raw.locations.length;
    let bytes = 0;
    for (let i = 0; i < raw.sampleStart.length; i++)
        bytes += raw.sampleEnd.data[i] - raw.sampleStart.data[i];
    return { samples: raw.sampleStart.length, frames: Math.ceil((bytes / 2) * perLocation) + 16 };
}
/** The kind from the sample types Go writes: goroutine/count, goroutineleak/count, or the heap's four. */
export function kindOf(sampleTypes) {
    const names = new Set(sampleTypes.map((t) => t.type));
    if (names.has('goroutineleak'))
        return 'goroutineleak';
    if (names.has('goroutine'))
        return 'goroutine';
    if (names.has('inuse_space') || names.has('alloc_space'))
        return 'heap';
    return 'other';
}
function mainBinary(rs, mappings) {
    checkIds(rs, mappings, 'mapping');
    // Go lists the main executable's mapping first.
    const m = mappings[0];
    if (m === undefined)
        return null;
    const file = rs.str(m.filename, 'mapping filename', m.offset);
    const build = rs.str(m.buildId, 'mapping build_id', m.offset);
    return build !== '' ? `${file} (build ${build})` : file === '' ? null : file;
}
function checkIds(rs, items, what) {
    const seen = new Set();
    for (const it of items) {
        if (it.id === 0)
            rs.fail(`a ${what} has id 0; ids must be nonzero`, it.offset);
        if (seen.has(it.id))
            rs.fail(`two ${what}s share id ${it.id}`, it.offset);
        seen.add(it.id);
    }
}
/**
 * Location id → frame indices, innermost inlined call first. Go numbers locations 1..n, so a dense array
 * indexed by id serves the million lookups of a large profile; sparse ids from other writers use the map.
 */
class LocationTable {
    denseLimit;
    dense = [];
    sparse = new Map();
    constructor(denseLimit) {
        this.denseLimit = denseLimit;
    }
    set(id, frames) {
        if (id < this.denseLimit)
            this.dense[id] = frames;
        else
            this.sparse.set(id, frames);
    }
    get(id) {
        return id < this.denseLimit ? this.dense[id] : this.sparse.get(id);
    }
}
/** Each location id maps to its frame indices, innermost inlined call first. */
function resolveLocations(rs, b, raw) {
    checkIds(rs, raw.functions, 'function');
    checkIds(rs, raw.locations, 'location');
    const functions = new Map();
    for (const f of raw.functions)
        functions.set(f.id, resolveFunction(rs, f));
    const mappingIds = new Set(raw.mappings.map((m) => m.id));
    const out = new LocationTable(4 * raw.locations.length + 16);
    let symbolized = raw.locations.length === 0;
    for (const loc of raw.locations) {
        if (loc.mappingId !== 0 && !mappingIds.has(loc.mappingId)) {
            rs.fail(`location ${loc.id} refers to mapping ${loc.mappingId}, which does not exist`, loc.offset);
        }
        if (loc.lines.length > 0)
            symbolized = true;
        out.set(loc.id, locationFrames(rs, b, loc, functions));
    }
    if (!symbolized) {
        throw new UnsupportedError(rs.source, 'decode', 'the profile is not symbolized (addresses only, no function names); symbolize it first, e.g. `go tool pprof -proto BINARY FILE > symbolized.pb.gz`');
    }
    return out;
}
function resolveFunction(rs, f) {
    return { name: rs.str(f.name, `function ${f.id} name`, f.offset), file: rs.str(f.filename, `function ${f.id} filename`, f.offset) };
}
function locationFrames(rs, b, loc, functions) {
    if (loc.lines.length === 0) {
        // Unsymbolized location among symbolized ones (e.g. a cgo frame): its address is all we have.
        return [b.frame(`0x${loc.address.toString(16)}`, '', 0)];
    }
    return loc.lines.map((line, i) => {
        const fn = functions.get(line.functionId);
        if (fn === undefined)
            rs.fail(`location ${loc.id} refers to function ${line.functionId}, which does not exist`, loc.offset);
        // The last line is the caller the preceding ones were inlined into (profile.proto, Location.line).
        return b.frame(fn.name, fn.file, line.line, i < loc.lines.length - 1);
    });
}
function addSamples(rs, b, raw, locations, width, w) {
    const row = new Float64Array(width);
    const count = raw.sampleStart.length;
    const r = w.r;
    for (let i = 0; i < count; i++) {
        const start = raw.sampleStart.data[i];
        const end = raw.sampleEnd.data[i];
        r.pos = start;
        let values = 0;
        let labels = null;
        while (r.pos < end) {
            const at = r.pos;
            const tag = w.uint();
            const field = tag >>> 3;
            if (field === 1)
                readLocationIds(rs, b, w, tag & 7, locations, i, start);
            else if (field === 2)
                values = readValues(w, tag & 7, row, values, width);
            else if (tag === ((3 << 3) | LEN))
                labels = addLabel(rs, labels, readLabel(w), start);
            else
                skipNested(w, tag, at, 'Sample');
        }
        if (r.pos !== end)
            w.fail('Sample overruns its declared length');
        if (values !== width)
            rs.fail(`sample ${i} has ${values} values but the profile declares ${width} sample types`, start);
        b.endSample(row, labels);
    }
}
/** Location ids, packed or not, each resolved to its frames and appended to the sample's stack. */
function readLocationIds(rs, b, w, wire, locations, sample, offset) {
    const r = w.r;
    const one = () => {
        // Location ids are small in Go's profiles: a one-byte varint is read inline.
        const byte = r.buf[r.pos];
        const id = byte < 0x80 ? (r.pos++, byte) : w.uint();
        const frames = locations.get(id);
        if (frames === undefined)
            rs.fail(`sample ${sample} refers to location ${id}, which does not exist`, offset);
        b.pushFrames(frames);
    };
    if (wire === VARINT)
        return one();
    if (wire !== LEN)
        w.fail(`field 1 has wire type ${wire}; expected a varint or a packed list`);
    const end = w.len();
    while (r.pos < end)
        one();
    if (r.pos !== end)
        w.fail('packed field 1 overruns its length');
}
/** Values, packed or not, into the row; returns how many the sample has so far (more than width is counted). */
function readValues(w, wire, row, n, width) {
    let k = n;
    const one = () => {
        const v = w.int();
        if (k < width)
            row[k] = v;
        k++;
    };
    if (wire === VARINT) {
        one();
        return k;
    }
    if (wire !== LEN)
        w.fail(`field 2 has wire type ${wire}; expected a varint or a packed list`);
    const end = w.len();
    while (w.r.pos < end)
        one();
    if (w.r.pos !== end)
        w.fail('packed field 2 overruns its length');
    return k;
}
function addLabel(rs, labels, l, offset) {
    // Only string labels are kept (pprof.Do labels); Go puts a numeric `bytes` label on every heap sample.
    if (l.str === 0)
        return labels;
    const out = labels ?? {};
    out[rs.str(l.key, 'label key', offset)] = rs.str(l.str, 'label value', offset);
    return out;
}
//# sourceMappingURL=pprof-resolve.js.map