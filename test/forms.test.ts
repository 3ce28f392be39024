// The form table (src/forms.ts) against what the decoder makes of real captures: fixtures/grpc-leak holds
// every form Go writes for each round (fixtures/README.md), so each fact the table states about a form is
// checked on a file of that form, and the decoder's own list of text forms is the table's.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { decode } from '../src/decode/index.js';
import { TEXT_FORMS } from '../src/decode/text-forms.js';
import { FORMS, type Form } from '../src/forms.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { fixture } from './helpers/paths.js';

const FILES = readdirSync(fixture('grpc-leak'))
  .filter((f) => /^(heap|goroutine)-0[0-2]-.*\.(pb\.gz|txt|txt\.gz)$/.test(f))
  .sort();

t.test('every form is among the captures, and each file holds what the table says of its form', async (t) => {
  const seen = new Set<Form>();
  for (const name of FILES) {
    const s = decode(name, readFileSync(fixture('grpc-leak', name)), DEFAULT_LIMITS).snapshot;
    const facts = FORMS[s.form];
    seen.add(s.form);
    if (facts.kind !== null) t.equal(s.kind, facts.kind, `${name}: a ${s.form} file is a ${facts.kind} profile`);
    if (facts.perGoroutine)
      t.ok(
        s.goroutineInfo?.some((g) => g.creator !== null),
        `${name}: a ${s.form} file names goroutines' creators`,
      );
    else t.ok(s.goroutineInfo === null || s.goroutineInfo.every((g) => g.creator === null), `${name}: a ${s.form} file has no per-goroutine facts`);
  }
  t.same([...seen].sort(), Object.keys(FORMS).sort(), 'the captures hold every form');
});

t.test('the decoder asks the text forms the table names, by the requests that write them', async (t) => {
  t.same(
    TEXT_FORMS.map((f) => f.form),
    (Object.keys(FORMS) as Form[]).filter((f) => FORMS[f].endpoint !== null),
  );
  for (const f of TEXT_FORMS) t.equal(f.name, FORMS[f.form].endpoint, f.form);
});

t.test('names are distinct, and only the dump is one go tool pprof cannot read', async (t) => {
  const forms = Object.values(FORMS);
  t.equal(new Set(forms.map((f) => f.title)).size, forms.length, 'inspect names');
  t.equal(new Set(forms.map((f) => f.short)).size, forms.length, 'report names');
  t.same(
    (Object.keys(FORMS) as Form[]).filter((f) => !FORMS[f].pprofReads),
    ['goroutine-dump'],
  );
});
