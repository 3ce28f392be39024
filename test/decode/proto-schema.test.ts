// proto/profile.proto is the schema the decoder is written against: every field it declares must be one the
// decoder knows, with the same wire type (varint for integers and bools, length-delimited for messages,
// strings and packed lists). `npm run proto` runs this check alone.
import t from 'tap';
import protobuf from 'protobufjs';
import { KNOWN_WIRE_TYPES } from '../../src/decode/pprof.js';
import { NESTED_FIELDS } from '../../src/decode/pprof-raw.js';
import { profileType } from '../helpers/profiles.js';

const LEN = 2;
const VARINT = 0;

function wireType(f: protobuf.Field): number {
  if (f.resolvedType !== null || f.type === 'string') return LEN;
  return f.repeated ? -1 : VARINT; // repeated scalars: packed (LEN) or not (VARINT), both accepted
}

t.test('Profile fields match the decoder', async (t) => {
  const profile = profileType();
  for (const f of profile.fieldsArray) {
    const known = KNOWN_WIRE_TYPES[f.id];
    t.ok(known !== undefined, `Profile.${f.name} = ${f.id} is known to the decoder`);
    const expected = wireType(f);
    t.ok(known === expected || known === -1 || (f.repeated && expected === LEN), `Profile.${f.name}: wire type ${known} vs schema ${expected}`);
  }
});

t.test('nested message fields match the decoder', async (t) => {
  const root = profileType().root;
  for (const [name, fields] of Object.entries(NESTED_FIELDS)) {
    const type = root.lookupType(`perftools.profiles.${name}`);
    for (const f of type.fieldsArray) {
      const known = fields[f.id];
      if (f.repeated && f.resolvedType === null) {
        t.ok(known === undefined, `${name}.${f.name}: repeated scalars are read packed or unpacked`);
        continue;
      }
      t.equal(known, wireType(f), `${name}.${f.name} = ${f.id}`);
    }
  }
});
