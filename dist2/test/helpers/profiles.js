// Builds pprof profiles for tests from function names, never from raw string indices: the string table,
// functions and locations are interned here and the bytes are written by protobufjs's reflection encoder
// from proto/profile.proto, an encoder independent of the decoder under test.
import { resolve } from 'node:path';
import protobuf from 'protobufjs';
import { ROOT } from './paths.js';
let root = null;
export function profileType() {
    root ??= protobuf.loadSync(resolve(ROOT, 'proto/profile.proto'));
    return root.lookupType('perftools.profiles.Profile');
}
/** The message object protobufjs encodes; exposed so tests can corrupt one field at a time. */
export function profileObject(p) {
    const strings = [''];
    const str = (s) => {
        let i = strings.indexOf(s);
        if (i < 0)
            i = strings.push(s) - 1;
        return i;
    };
    const functions = [];
    const fnIds = new Map();
    const locations = [];
    const locIds = new Map();
    const fnId = (name, file) => {
        const key = `${name}\u0000${file}`;
        let id = fnIds.get(key);
        if (id === undefined) {
            id = functions.length + 1;
            functions.push({ id, name: str(name), systemName: str(name), filename: str(file) });
            fnIds.set(key, id);
        }
        return id;
    };
    const locId = (spec) => {
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
export function encodeObject(obj) {
    const type = profileType();
    return type.encode(type.fromObject(obj)).finish();
}
export function encodeProfile(p) {
    return encodeObject(profileObject(p));
}
function parseFrame(spec) {
    const at = spec.indexOf('@');
    if (at < 0)
        return { fn: spec, file: `/src/${spec.split('.')[0]}/x.go`, line: 10 };
    const [file, line] = spec.slice(at + 1).split(':');
    return { fn: spec.slice(0, at), file, line: Number(line ?? 0) };
}
/** A Go heap profile's sample types and period, as runtime/pprof writes them. */
export const HEAP_TYPES = [
    ['alloc_objects', 'count'],
    ['alloc_space', 'bytes'],
    ['inuse_objects', 'count'],
    ['inuse_space', 'bytes'],
];
export function heapProfile(samples, timeNanos = 1764123631000000000n) {
    return encodeProfile({ sampleTypes: HEAP_TYPES, samples, timeNanos, period: 524288, periodType: ['space', 'bytes'] });
}
export function goroutineProfile(samples, timeNanos = 1764123631000000000n) {
    return encodeProfile({ sampleTypes: [['goroutine', 'count']], samples, timeNanos, period: 1, periodType: ['goroutine', 'count'] });
}
//# sourceMappingURL=profiles.js.map