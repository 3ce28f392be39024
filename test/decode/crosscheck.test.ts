// A second decoder cross-checks the first: protobufjs's reflection decoder, loaded from the same
// proto/profile.proto, must see the same samples, values and function names as our columnar decoder, on
// real Go profiles (the fixtures) and a third-party one (google/pprof's large.cpu, packed and unpacked mix).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { stackOf } from '../../src/decode/builder.js';
import { decode } from '../../src/decode/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { CORPUS, FIXTURES, HAS_CORPUS, NEEDS_CORPUS } from '../helpers/paths.js';
import { profileType } from '../helpers/profiles.js';

interface Reflected {
  sample: { locationId: number[]; value: number[] }[];
  location: { id: number; line: { functionId: number; line: number }[] }[];
  function: { id: number; name: number }[];
  stringTable: string[];
}

function reflect(bytes: Uint8Array): Reflected {
  const type = profileType();
  return type.toObject(type.decode(gunzipSync(bytes)), { longs: Number, defaults: true, arrays: true }) as Reflected;
}

const files = [
  ...['grpc-leak', 'map-leak'].flatMap((s) =>
    readdirSync(join(FIXTURES, s))
      .filter((f) => f.endsWith('.pb.gz'))
      .slice(0, 4)
      .map((f) => join(FIXTURES, s, f)),
  ),
  ...(HAS_CORPUS ? [join(CORPUS, 'google-pprof-testdata/large.cpu')] : []),
];

t.test('a CPU profile from the external corpus through both decoders', { skip: NEEDS_CORPUS }, async (t) => {
  t.ok(
    files.some((f) => f.endsWith('large.cpu')),
    'it is among the files below',
  );
});

for (const file of files) {
  t.test(`same profile through both decoders: ${file.split('/').slice(-2).join('/')}`, async (t) => {
    const bytes = readFileSync(file);
    const ours = decode(file, bytes, DEFAULT_LIMITS).snapshot;
    const ref = reflect(bytes);
    t.equal(ours.sampleCount, ref.sample.length, 'sample count');
    const fn = new Map(ref.function.map((f) => [f.id, ref.stringTable[f.name]]));
    const loc = new Map(ref.location.map((l) => [l.id, l.line.map((ln) => fn.get(ln.functionId))]));
    let valuesMatch = true;
    let stacksMatch = true;
    ref.sample.forEach((s, i) => {
      const width = ours.sampleTypes.length;
      if (s.value.some((v, k) => v !== ours.values[i * width + k])) valuesMatch = false;
      const expected = s.locationId.flatMap((id) => loc.get(id) ?? []);
      const got = Array.from(stackOf(ours, i), (f) => ours.frames[f].function);
      if (expected.join('|') !== got.join('|')) stacksMatch = false;
    });
    t.ok(valuesMatch, 'every value of every sample');
    t.ok(stacksMatch, 'every stack, function by function, inlined frames expanded');
  });
}
