// pprof protobuf (profile.proto, see proto/profile.proto for the field numbers) in two passes. Go writes
// the samples before the locations, functions and strings they refer to, so the first pass reads the small
// tables and only notes where each sample lies; pprof-resolve.ts then checks the tables and decodes each
// sample straight into the snapshot's columns, with no intermediate copy of a million location ids.
import { LIMIT_FLAGS } from '../limits.js';
import { LimitError } from '../errors.js';
import { GrowableU32 } from './columns.js';
import { resolveProfile } from './pprof-resolve.js';
import { LEN, VARINT, Wire } from './wire.js';
/** Profile fields 1-15 with their wire types: a field we know with another wire type is corruption. */
export const KNOWN_WIRE_TYPES = {
    1: LEN, 2: LEN, 3: LEN, 4: LEN, 5: LEN, 6: LEN, 7: VARINT, 8: VARINT, 9: VARINT, 10: VARINT,
    11: LEN, 12: VARINT, 13: -1, 14: VARINT, 15: VARINT,
};
/**
 * Could these bytes be a pprof profile? The first field must be a Profile field with its proper wire type.
 * This only decides whether the protobuf decoder answers "my format" (and then reports any damage) or lets
 * the text and legacy sniffers try.
 */
export function looksLikePprof(bytes) {
    if (bytes.length < 2)
        return false;
    const tag = bytes[0];
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field < 1 || field > 15)
        return false;
    const expected = KNOWN_WIRE_TYPES[field];
    return expected === wire || (expected === -1 && (wire === VARINT || wire === LEN));
}
export function decodePprof(source, bytes, limits) {
    const wire = new Wire(source, bytes);
    const raw = readProfile(wire, limits);
    return resolveProfile(source, raw, limits, wire);
}
function readProfile(w, limits) {
    const p = {
        sampleTypes: [], sampleStart: new GrowableU32(), sampleEnd: new GrowableU32(),
        mappings: [], locations: [], functions: [], strings: [],
        timeMs: 0, durationNanos: 0, periodType: null, period: 0, defaultSampleType: 0,
    };
    let timeSeenAt = -1;
    while (w.pos < w.end) {
        const at = w.pos;
        const tag = w.uint();
        switch (tag) {
            case 10 /* Tag.SampleType */:
                p.sampleTypes.push(readValueType(w));
                break;
            case 18 /* Tag.Sample */:
                noteSample(w, p, limits);
                break;
            case 26 /* Tag.Mapping */:
                p.mappings.push(readMapping(w, at));
                break;
            case 34 /* Tag.Location */:
                p.locations.push(readLocation(w, at));
                checkCount(w, p.locations.length, limits.maxLocations, 'locations', 'maxLocations');
                break;
            case 42 /* Tag.Function */:
                p.functions.push(readFunction(w, at));
                break;
            case 50 /* Tag.StringTable */:
                p.strings.push(w.string());
                checkCount(w, p.strings.length, limits.maxStrings, 'strings', 'maxStrings');
                break;
            case 72 /* Tag.TimeNanos */:
                // A second time_nanos means two profiles were concatenated; pprof rejects such a file too.
                if (timeSeenAt >= 0)
                    w.fail(`two profiles concatenated in one file (a second time_nanos; the first was at byte ${timeSeenAt})`, at);
                timeSeenAt = at;
                p.timeMs = w.nanosAsMillis();
                break;
            case 80 /* Tag.DurationNanos */:
                p.durationNanos = w.int();
                break;
            case 90 /* Tag.PeriodType */:
                p.periodType = readValueType(w);
                break;
            case 96 /* Tag.Period */:
                p.period = w.int();
                break;
            case 112 /* Tag.DefaultSampleType */:
                p.defaultSampleType = w.int();
                break;
            default: skipField(w, tag, at);
        }
    }
    return p;
}
function checkCount(w, n, max, what, limit) {
    if (n > max) {
        throw new LimitError(w.source, 'decode', `more than ${max} ${what}; raise ${LIMIT_FLAGS[limit]} if this profile is genuine`, { offset: w.pos });
    }
}
function skipField(w, tag, at) {
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0)
        w.fail('field number 0 is not valid protobuf (corrupt data?)', at);
    const expected = KNOWN_WIRE_TYPES[field];
    if (expected !== undefined && expected !== -1 && expected !== wire) {
        w.fail(`Profile field ${field} has wire type ${wire}, expected ${expected} (corrupt data?)`, at);
    }
    w.skip(wire, field);
}
function readValueType(w) {
    const end = w.len();
    const vt = { type: 0, unit: 0 };
    while (w.pos < end) {
        const at = w.pos;
        const tag = w.uint();
        if (tag === ((1 << 3) | VARINT))
            vt.type = w.int();
        else if (tag === ((2 << 3) | VARINT))
            vt.unit = w.int();
        else
            skipNested(w, tag, at, 'ValueType');
    }
    endOf(w, end, 'ValueType');
    return vt;
}
/** First pass: where the sample is; its fields are read once the tables they refer to are known. */
function noteSample(w, p, limits) {
    const end = w.len();
    checkCount(w, p.sampleStart.length + 1, limits.maxSamples, 'samples', 'maxSamples');
    p.sampleStart.push(w.pos);
    p.sampleEnd.push(end);
    w.r.pos = end;
}
export function readLabel(w) {
    const end = w.len();
    const l = { key: 0, str: 0, num: 0 };
    while (w.pos < end) {
        const at = w.pos;
        const tag = w.uint();
        if (tag === ((1 << 3) | VARINT))
            l.key = w.int();
        else if (tag === ((2 << 3) | VARINT))
            l.str = w.int();
        else if (tag === ((3 << 3) | VARINT))
            l.num = w.int();
        else
            skipNested(w, tag, at, 'Label');
    }
    endOf(w, end, 'Label');
    return l;
}
function readMapping(w, offset) {
    const end = w.len();
    const m = { id: 0, filename: 0, buildId: 0, offset };
    while (w.pos < end) {
        const at = w.pos;
        const tag = w.uint();
        if (tag === ((1 << 3) | VARINT))
            m.id = w.uint();
        else if (tag === ((5 << 3) | VARINT))
            m.filename = w.int();
        else if (tag === ((6 << 3) | VARINT))
            m.buildId = w.int();
        else
            skipNested(w, tag, at, 'Mapping');
    }
    endOf(w, end, 'Mapping');
    return m;
}
function readLocation(w, offset) {
    const end = w.len();
    const loc = { id: 0, mappingId: 0, address: 0, lines: [], offset };
    while (w.pos < end) {
        const at = w.pos;
        const tag = w.uint();
        if (tag === ((1 << 3) | VARINT))
            loc.id = w.uint();
        else if (tag === ((2 << 3) | VARINT))
            loc.mappingId = w.uint();
        else if (tag === ((3 << 3) | VARINT))
            loc.address = w.address();
        else if (tag === ((4 << 3) | LEN))
            loc.lines.push(readLine(w));
        else
            skipNested(w, tag, at, 'Location');
    }
    endOf(w, end, 'Location');
    return loc;
}
function readLine(w) {
    const end = w.len();
    const line = { functionId: 0, line: 0 };
    while (w.pos < end) {
        const at = w.pos;
        const tag = w.uint();
        if (tag === ((1 << 3) | VARINT))
            line.functionId = w.uint();
        else if (tag === ((2 << 3) | VARINT))
            line.line = w.int();
        else
            skipNested(w, tag, at, 'Line');
    }
    endOf(w, end, 'Line');
    return line;
}
function readFunction(w, offset) {
    const end = w.len();
    const f = { id: 0, name: 0, systemName: 0, filename: 0, offset };
    while (w.pos < end) {
        const at = w.pos;
        const tag = w.uint();
        if (tag === ((1 << 3) | VARINT))
            f.id = w.uint();
        else if (tag === ((2 << 3) | VARINT))
            f.name = w.int();
        else if (tag === ((3 << 3) | VARINT))
            f.systemName = w.int();
        else if (tag === ((4 << 3) | VARINT))
            f.filename = w.int();
        else
            skipNested(w, tag, at, 'Function');
    }
    endOf(w, end, 'Function');
    return f;
}
/** Fields of the nested messages with their wire types (every one of them a varint but these). */
export const NESTED_FIELDS = {
    ValueType: { 1: VARINT, 2: VARINT },
    Sample: { 3: LEN },
    Label: { 1: VARINT, 2: VARINT, 3: VARINT, 4: VARINT },
    Mapping: { 1: VARINT, 2: VARINT, 3: VARINT, 4: VARINT, 5: VARINT, 6: VARINT, 7: VARINT, 8: VARINT, 9: VARINT, 10: VARINT },
    Location: { 1: VARINT, 2: VARINT, 3: VARINT, 4: LEN, 5: VARINT },
    Line: { 1: VARINT, 2: VARINT, 3: VARINT },
    Function: { 1: VARINT, 2: VARINT, 3: VARINT, 4: VARINT, 5: VARINT },
};
/** Unknown fields in nested messages are skipped (forward compatibility); known ones of the wrong type are corrupt. */
export function skipNested(w, tag, at, message) {
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0)
        w.fail(`${message}: field number 0 is not valid protobuf (corrupt data?)`, at);
    const expected = NESTED_FIELDS[message]?.[field];
    if (expected !== undefined && expected !== wire) {
        w.fail(`${message} field ${field} has wire type ${wire}, expected ${expected} (corrupt data?)`, at);
    }
    w.skip(wire, field);
}
function endOf(w, end, message) {
    if (w.pos !== end)
        w.fail(`${message} overruns its declared length`);
}
//# sourceMappingURL=pprof.js.map