// The lenient reader, one row per thing pasting does to a dump. Every input is a real capture from
// fixtures/ changed the way a terminal, a web page, a chat or an e-mail changes it; each row must read to
// the same goroutines as the capture itself (or say exactly what it dropped) and report exactly these repairs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { decode, type Decoded } from '../../src/decode/index.js';
import { LeakdiffError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { Snapshot } from '../../src/model.js';
import { CORPUS, fixture } from '../helpers/paths.js';
import { capture, stackText, thrown, total } from '../helpers/text-forms.js';

const read = (text: string): Decoded => decode('pasted.txt', Buffer.from(text, 'utf8'), DEFAULT_LIMITS);
const lastOf = (scenario: string, suffix: string): string => {
  const f = readdirSync(fixture(scenario))
    .filter((n) => n.startsWith('goroutine-') && n.endsWith(suffix))
    .sort()
    .at(-1)!;
  return readFileSync(fixture(scenario, f), 'utf8');
};

/** What a reader made of a profile, independent of frame indices: total and every (stack, count). */
function summary(s: Snapshot): { total: number; groups: string[] } {
  const groups = Array.from({ length: s.sampleCount }, (_, i) => `${s.values[i * s.sampleTypes.length]} ${stackText(s, i).join(' < ')}`);
  return { total: total(s), groups: groups.sort() };
}

// ---- what pasting does, as functions of the real text ----
const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n');
const unlines = (ls: readonly string[]): string => `${ls.join('\n')}\n`;
/** A web page or terminal turns each tab into spaces. */
const spaces =
  (n: number) =>
  (text: string): string =>
    text.replace(/\t/g, ' '.repeat(n));
const crlf = (text: string): string => text.replace(/\n/g, '\r\n');
const crOnly = (text: string): string => text.replace(/\n/g, '\r');
/** E-mail and Markdown quoting: `> ` on every line, `>` on blank ones. */
const quoted = (text: string): string => unlines(lines(text).map((l) => (l === '' ? '>' : `> ${l}`)));
const fenced = (text: string): string => `\`\`\`text\n${text}\`\`\`\n`;
const indented = (text: string): string => unlines(lines(text).map((l) => (l === '' ? '' : `    ${l}`)));
const noHeader = (text: string): string => text.slice(text.indexOf('\n') + 1);
const noFinalNewline = (text: string): string => text.replace(/\n+$/, '');
/** The service's log around the dump, as `kubectl logs` shows it. */
const LOG_BEFORE = ['2026/11/26 02:35:49 listening on :8080', '2026/11/26 02:35:50 GET /debug/pprof/goroutine 200', 'fatal error: concurrent map writes', ''];
const LOG_AFTER = ['', '2026/11/26 02:35:51 shutting down', 'exit status 2'];
const withLogs = (text: string): string => unlines([...LOG_BEFORE, ...lines(text), ...LOG_AFTER]);
/** A ticket: a sentence, the dump as a Markdown indented block, a sign-off; only the dump is indented. */
const TICKET_BEFORE = ["Hi team, here's the dump from prod-7 after the deploy:", ''];
const TICKET_AFTER = ['', 'thanks, on-call'];
const inTicket = (text: string): string => unlines([...TICKET_BEFORE, ...lines(indented(text)), ...TICKET_AFTER]);
/** A structured logger's record with the dump in one field. */
const inJsonRecord = (text: string): string => `${JSON.stringify({ level: 'error', msg: 'goroutine dump', stack: text })}\n`;
/** Docker's json-file log: one record per line of output, each with its line break and a time. */
const DOCKER_TIME = '2026-11-26T02:35:49.123456789Z';
const dockerLog = (text: string): string =>
  lines(text)
    .map((l) => `${JSON.stringify({ log: `${l}\n`, stream: 'stderr', time: DOCKER_TIME })}\n`)
    .join('');
/** The escaped string alone, copied out of a JSON viewer. */
const escapedString = (text: string): string => `${JSON.stringify(text).slice(1, -1)}\n`;
const JSON_ROWS: readonly Row[] = [
  { name: 'in a JSON log record', paste: inJsonRecord, notes: (x) => [`unwrapped from the "stack" field of a JSON document (${lines(x).length} lines)`] },
  {
    name: "Docker's json-file log",
    paste: dockerLog,
    notes: (x) => [`unwrapped from the "log" field of JSON records, one per line, whose time is taken as the capture time (${lines(x).length} lines)`],
  },
  {
    name: 'an escaped JSON string',
    paste: escapedString,
    notes: () => ['JSON string escapes (\\n, \\t) read as the line breaks and tabs they stand for (1 line)'],
  },
];
/** A paste that stops `keep` characters into the last record's last symbol line. */
const cutInLastLine =
  (keep: number) =>
  (text: string): string => {
    const body = text.replace(/\n+$/, '');
    const start = body.lastIndexOf('\n') + 1;
    return body.slice(0, start + keep);
  };
/** A paste that stops after the last record's `N @ ...` line. */
const cutAfterLastRecordLine = (text: string): string => {
  const ls = lines(text).slice(0, -1);
  let i = ls.length - 1;
  while (!/^\d+ @/.test(ls[i])) i--;
  return unlines(ls.slice(0, i + 1));
};
/** The last record's count mangled (a paste that lost its first characters, or an edit). */
const badLastRecord = (text: string): string => {
  const ls = lines(text);
  let i = ls.length - 1;
  while (!/^\d+ @/.test(ls[i])) i--;
  ls[i] = ls[i].replace(/^\d+/, 'x');
  return unlines(ls);
};
const compose =
  (...fs: ((s: string) => string)[]) =>
  (text: string): string =>
    fs.reduce((s, f) => f(s), text);

/** Each line through a logger that prefixes it (the prefix alone on a blank line, its space trimmed). */
const logged =
  (prefix: string) =>
  (text: string): string =>
    unlines(lines(text).map((l) => (l === '' ? prefix.trimEnd() : `${prefix}${l}`)));
const TIMESTAMPED = '2026-11-26T02:35:49.123456789Z ';
const CRI = '2026-11-26T02:35:49.123456789Z stderr F ';
const JOURNAL = 'Nov 26 02:35:49 web-3 orders[4121]: ';
const COMPOSE = 'orders-1  | ';
const JOURNAL_ISO = '2026-11-26T02:35:49+0000 web-3 orders[4121]: ';
const GO_LOG = '2026/11/26 02:35:49 ';
/** rsyslog writes a tab as #011. */
const syslogTabs = (text: string): string => text.replace(/\t/g, '#011');
/** A prefix that says the date, the time and the zone gives the dump's time, and the note says so. */
const ZONED: ReadonlySet<string> = new Set(['timestamps', 'container log', 'syslog ISO']);
const prefixNote =
  (name: string, prefix: string) =>
  (x: string): string[] => [
    `log prefixes (${name}, the first "${prefix}"${ZONED.has(name) ? ', whose time is taken as the capture time' : ''}) removed from ${lines(x).length} lines`,
  ];
const LOGGED: readonly Row[] = [
  { name: 'kubectl logs --timestamps', paste: logged(TIMESTAMPED), notes: prefixNote('timestamps', TIMESTAMPED) },
  { name: 'a CRI container log file', paste: logged(CRI), notes: prefixNote('container log', CRI) },
  { name: 'journalctl', paste: logged(JOURNAL), notes: prefixNote('syslog', JOURNAL) },
  {
    name: 'an rsyslog file, tabs as #011',
    paste: compose(syslogTabs, logged(JOURNAL)),
    notes: (x) => [...prefixNote('syslog', JOURNAL)(x), `syslog's #011 read as tabs (${tabbed(x)} lines)`],
  },
  { name: 'journalctl -o short-iso', paste: logged(JOURNAL_ISO), notes: prefixNote('syslog ISO', JOURNAL_ISO) },
  { name: 'docker compose logs', paste: logged(COMPOSE), notes: prefixNote('docker compose', COMPOSE) },
  { name: "Go's log package", paste: logged(GO_LOG), notes: prefixNote('Go log', GO_LOG) },
  {
    name: 'kubectl logs --timestamps, quoted in an issue',
    paste: compose(logged(TIMESTAMPED), quoted),
    notes: (x) => [`quote markers ("> ") removed from ${lines(x).length} lines`, ...prefixNote('timestamps', TIMESTAMPED)(x)],
  },
];

/** The count of the last record in a debug=1 text (what a cut there drops). */
const lastCount = (text: string): number => Number([...text.matchAll(/^(\d+) @/gm)].at(-1)![1]);
/** How many lines of the text hold a tab: what "tabs restored" counts. */
const tabbed = (text: string): number => lines(text).filter((l) => l.includes('\t')).length;
const nonBlank = (text: string): number => lines(text).filter((l) => l !== '').length;

interface Row {
  readonly name: string;
  readonly paste: (text: string) => string;
  /** The warnings the lenient reader must give, exactly, for this capture. */
  readonly notes: (text: string) => string[];
  /** Goroutines the paste lost (a cut record), 0 when none. */
  readonly dropped?: (text: string) => number;
}

const DEBUG1: readonly Row[] = [
  { name: 'tabs turned into 8 spaces', paste: spaces(8), notes: (x) => [`tabs restored (${tabbed(x)} lines had spaces where Go writes tabs)`] },
  { name: 'tabs turned into 4 spaces', paste: spaces(4), notes: (x) => [`tabs restored (${tabbed(x)} lines had spaces where Go writes tabs)`] },
  { name: 'tabs turned into one space', paste: spaces(1), notes: (x) => [`tabs restored (${tabbed(x)} lines had spaces where Go writes tabs)`] },
  { name: 'header line missing', paste: noHeader, notes: (x) => [`header missing: counted ${summaryTotal(x)} goroutines from the records`] },
  {
    name: 'header missing and tabs gone',
    paste: compose(noHeader, spaces(8)),
    notes: (x) => [
      `tabs restored (${tabbed(x)} lines had spaces where Go writes tabs)`,
      `header missing: counted ${summaryTotal(x)} goroutines from the records`,
    ],
  },
  { name: 'CRLF line endings', paste: crlf, notes: () => [] },
  { name: 'CR-only line endings', paste: crOnly, notes: (x) => [`line endings: CR only, read as line breaks (${lines(x).length} lines)`] },
  { name: 'quoted with > ', paste: quoted, notes: (x) => [`quote markers ("> ") removed from ${lines(x).length} lines`] },
  { name: 'in a code fence', paste: fenced, notes: () => ['code fence removed (2 lines)'] },
  { name: 'indented four spaces', paste: indented, notes: (x) => [`indentation of 4 spaces removed from ${nonBlank(x)} lines`] },
  {
    name: 'quoted, fenced and tabs gone',
    paste: compose(spaces(4), fenced, quoted),
    notes: (x) => [
      `quote markers ("> ") removed from ${lines(x).length + 2} lines`,
      'code fence removed (2 lines)',
      `tabs restored (${tabbed(x)} lines had spaces where Go writes tabs)`,
    ],
  },
  {
    name: 'log lines before and after',
    paste: withLogs,
    notes: (x) => [
      '3 lines before the profile skipped as not profile text (from line 1)',
      `2 lines after the profile skipped as not profile text (from line ${LOG_BEFORE.length + lines(x).length + 2})`,
    ],
  },
  { name: 'no newline after the last line', paste: noFinalNewline, notes: () => [] },
  {
    name: 'in a ticket: prose, then the dump indented four spaces',
    paste: inTicket,
    notes: (x) => [
      `indentation of 4 spaces removed from ${nonBlank(x)} lines`,
      '1 line before the profile skipped as not profile text (from line 1)',
      `1 line after the profile skipped as not profile text (from line ${TICKET_BEFORE.length + lines(x).length + 2})`,
    ],
  },
  ...JSON_ROWS,
  {
    name: 'last symbol line cut mid-path',
    paste: cutInLastLine(20),
    notes: (x) => [`last record cut: ${lastCount(x)} goroutine${lastCount(x) === 1 ? '' : 's'} dropped`],
    dropped: lastCount,
  },
  {
    name: 'cut after the last record line',
    paste: cutAfterLastRecordLine,
    notes: (x) => [`last record cut: ${lastCount(x)} goroutine${lastCount(x) === 1 ? '' : 's'} dropped`],
    dropped: lastCount,
  },
  { name: 'a bad last record', paste: badLastRecord, notes: () => [], dropped: lastCount },
  ...LOGGED,
];

/** Goroutines in a debug=1 text by its records (the header's figure may differ by a goroutine or two). */
function summaryTotal(text: string): number {
  return [...text.matchAll(/^(\d+) @/gm)].reduce((s, m) => s + Number(m[1]), 0);
}

const DEBUG1_CAPTURES: readonly [string, string][] = [
  ['text-forms/goroutine.debug1.txt (Go 1.19)', capture('goroutine.debug1.txt')],
  ['grpc-leak last debug=1 (Go 1.19, gRPC 1.33)', lastOf('grpc-leak', '.debug1.txt')],
  ['worker-leak last debug=1', lastOf('worker-leak', '.debug1.txt')],
];

for (const [where, original] of DEBUG1_CAPTURES) {
  const strict = summary(read(original).snapshot);
  t.test(`debug=1 pasted: ${where}`, async (t) => {
    for (const row of DEBUG1) {
      const pasted = row.paste(original);
      let got: Snapshot;
      try {
        got = read(pasted).snapshot;
      } catch (err) {
        t.fail(`${row.name}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const notes = row.notes(original);
      const lost = row.dropped?.(original) ?? 0;
      const warnings =
        row.name === 'a bad last record'
          ? got.warnings.filter((w) => w.startsWith('last record unreadable'))
          : got.warnings.filter((w) => !w.startsWith('the records add up'));
      if (row.name === 'a bad last record') {
        t.equal(warnings.length, 1, `${row.name}: says it skipped the record`);
        const at =
          lines(original)
            .map((l) => /^\d+ @/.test(l))
            .lastIndexOf(true) + 1;
        t.match(
          warnings[0] ?? '',
          new RegExp(`^last record unreadable, skipped: 1 record dropped \\(line ${at}: not a record \\(N @ 0x\\.\\.\\.\\) or a symbol line: "x @ 0x`),
          `${row.name}: which line, and why`,
        );
      } else {
        t.same(warnings, notes, `${row.name}: exactly the repairs`);
      }
      t.equal(got.repairs.length, row.name === 'a bad last record' ? 1 : notes.length, `${row.name}: typed repairs`);
      t.equal(total(got), strict.total - lost, `${row.name}: ${strict.total - lost} goroutines`);
      if (lost === 0) t.same(summary(got).groups, strict.groups, `${row.name}: the same stacks and counts`);
      if (row.name.startsWith('header')) t.equal(got.declaredTotal, null, `${row.name}: no stated total is made up`);
    }
  });
}

// debug=2 dumps and crashes: file lines lose their tab, the dump is quoted or surrounded by logs.
const DEBUG2: readonly Row[] = [
  { name: 'file lines indented with 8 spaces', paste: spaces(8), notes: (x) => [`tabs restored (${tabbed(x)} lines had spaces where Go writes tabs)`] },
  { name: 'file lines indented with 4 spaces', paste: spaces(4), notes: (x) => [`tabs restored (${tabbed(x)} lines had spaces where Go writes tabs)`] },
  { name: 'CRLF line endings', paste: crlf, notes: () => [] },
  { name: 'CR-only line endings', paste: crOnly, notes: (x) => [`line endings: CR only, read as line breaks (${lines(x).length} lines)`] },
  { name: 'quoted with > ', paste: quoted, notes: (x) => [`quote markers ("> ") removed from ${lines(x).length} lines`] },
  { name: 'in a code fence', paste: fenced, notes: () => [] },
  {
    name: 'indented four spaces, tabs gone',
    paste: compose(spaces(8), indented),
    notes: (x) => [`indentation of 4 spaces removed from ${nonBlank(x)} lines`, `tabs restored (${tabbed(x)} lines had spaces where Go writes tabs)`],
  },
  {
    name: 'log lines before and after, tabs gone',
    paste: compose(spaces(8), withLogs),
    notes: (x) => [`tabs restored (${tabbed(x)} lines had spaces where Go writes tabs)`],
  },
  { name: 'no newline after the last line', paste: noFinalNewline, notes: () => [] },
  {
    name: 'in a ticket: prose, then the dump indented four spaces',
    paste: inTicket,
    notes: (x) => [`indentation of 4 spaces removed from ${nonBlank(x)} lines`],
  },
  ...JSON_ROWS,
  ...LOGGED,
];

const DEBUG2_CAPTURES: readonly [string, string][] = [
  ['text-forms/goroutine.debug2.txt (Go 1.19)', capture('goroutine.debug2.txt')],
  ['text-forms/goroutine.debug2.minutes.txt', capture('goroutine.debug2.minutes.txt')],
  ['text-forms/crash.panic.txt', capture('crash.panic.txt')],
  ['grpc-leak last debug=2', lastOf('grpc-leak', '.debug2.txt')],
];

for (const [where, original] of DEBUG2_CAPTURES) {
  const strict = summary(read(original).snapshot);
  t.test(`debug=2 pasted: ${where}`, async (t) => {
    for (const row of DEBUG2) {
      let got: Snapshot;
      try {
        got = read(row.paste(original)).snapshot;
      } catch (err) {
        t.fail(`${row.name}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      t.same(got.warnings, [...row.notes(original), ...read(original).snapshot.warnings], `${row.name}: exactly the repairs`);
      t.same(summary(got), strict, `${row.name}: the same goroutines`);
    }
  });
}

t.test('a CR-only dump is read, never taken for an empty one', async (t) => {
  const s = read(crOnly(capture('goroutine.debug2.txt'))).snapshot;
  t.equal(total(s), 19);
  t.same(
    s.repairs.map((r) => r.kind),
    ['line-endings'],
  );
  // The strict parser alone no longer reads a dump of no goroutines as a snapshot.
  const { parseGoroutineDump } = await import('../../src/decode/goroutine-dump.js');
  t.match(thrown(() => parseGoroutineDump('d.txt', crOnly(capture('goroutine.debug2.txt')), DEFAULT_LIMITS)).message, /no complete goroutine/);
});

t.test('errors that name what is wrong instead of misleading', async (t) => {
  // Addresses with no symbol lines are still refused as not symbolized, pasted or not.
  const unsymbolized = unlines(lines(capture('goroutine.debug1.txt')).filter((l) => !l.startsWith('#')));
  t.match(thrown(() => read(unsymbolized)).message, /not symbolized/);
  t.match(thrown(() => read(noHeader(unsymbolized))).message, /not symbolized/);
  // Prose is still no profile.
  const e = thrown(() => read('hello\nthis is a note about a leak\n'));
  t.ok(e instanceof LeakdiffError);
  t.match(e.message, /text that is no Go profile form leakdiff knows/);
  // A bad record in the middle is damage, at the user's line, not skipped.
  const text = capture('goroutine.debug1.txt');
  const ls = lines(text);
  const second = ls.findIndex((l, i) => i > 1 && /^\d+ @/.test(l));
  ls[second] = ls[second].replace(/^\d+/, 'x');
  const mid = thrown(() => read(quoted(unlines(ls))));
  t.match(mid.message, new RegExp(`not a record .* \\(line ${second + 1}\\)$`));
});

t.test('the external corpus dumps people posted read (when ../shared is there)', async (t) => {
  const dir = join(CORPUS, 'external');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    t.comment('skipped: no ../shared/corpus/external (a clone without the shared corpus)');
    return;
  }
  const realtime = decode('r.txt', readFileSync(`${dir}/realtimeforum-fatal-concurrent-map-writes.txt`), DEFAULT_LIMITS).snapshot;
  t.equal(total(realtime), 15, 'fatal error: concurrent map writes, 4-space file lines: all 15 goroutines');
  t.same(
    realtime.repairs.map((r) => r.kind),
    ['tabs'],
  );
  const nonl = decode('g.txt', readFileSync(`${dir}/gostackparse-go121_createdby.txt`), DEFAULT_LIMITS).snapshot;
  t.equal(total(nonl), 2, 'a last file line without newline is whole');
  t.equal(nonl.truncation, null);
  t.ok(names.length > 0);
});

// ---- several profiles in one file ----
const rounds = (scenario: string, suffix: string): string[] =>
  readdirSync(fixture(scenario))
    .filter((n) => n.startsWith('goroutine-') && n.endsWith(suffix))
    .sort()
    .map((n) => readFileSync(fixture(scenario, n), 'utf8'));
/** The capture time in a fixture's name, as `date -u` prints it in a `date; curl ...` loop. */
const dateLine = (i: number): string =>
  new Date(Date.UTC(2026, 10, 26, 2, 35, 49 + 10 * i))
    .toUTCString()
    .replace(/^(\w+), (\d+) (\w+) (\d+) (\S+) GMT$/, (_m, d, day, mon, y, hms) => `${d} ${mon} ${String(Number(day)).padStart(2, ' ')} ${hms} UTC ${y}`);

t.test('a capture loop appending debug=1 to one file: one program, a series', async (t) => {
  const texts = rounds('grpc-leak', '.debug1.txt').slice(0, 4);
  const plain = read(texts.join(''));
  t.equal(plain.parts.length, 4, 'split at each header');
  t.same(
    plain.parts.map((p) => p.part),
    texts.map((_, i) => ({ index: i + 1, of: 4, line: 1 + texts.slice(0, i).reduce((n, x) => n + x.split('\n').length - 1, 0) })),
  );
  t.same(
    plain.parts.map((p) => total(p)),
    texts.map((x) => total(read(x).snapshot)),
    'each profile its own goroutines',
  );
  t.same(plain.concatenation, { parts: 4, sameProgram: true, programs: plain.concatenation!.programs, timed: false });
  const dated = read(texts.map((x, i) => `${dateLine(i)}\n${x}`).join(''));
  t.same(
    dated.parts.map((p) => p.timeMs),
    [0, 1, 2, 3].map((i) => Date.UTC(2026, 10, 26, 2, 35, 49 + 10 * i)),
    'times from `date` lines before each',
  );
  t.equal(dated.concatenation?.timed, true);
  t.same(
    dated.parts.map((p) => p.warnings),
    [[], [], [], []],
    'time lines are not reported as skipped',
  );
});

t.test('a capture loop appending debug=2 dumps: split where goroutine ids start over', async (t) => {
  const texts = rounds('worker-leak', '.debug2.txt').slice(0, 3);
  const got = read(texts.join(''));
  t.equal(got.parts.length, 3);
  t.same(
    got.parts.map((p) => total(p)),
    texts.map((x) => total(read(x).snapshot)),
  );
  t.equal(got.concatenation?.sameProgram, true);
  // A crash prints the crashing goroutine first and may print it again: one dump, not two.
  t.equal(read(capture('crash.panic.txt')).parts.length, 1);
  t.equal(read(capture('crash.sigquit.txt')).parts.length, 1);
});

t.test("two programs' dumps in one file are said to be different, never merged", async (t) => {
  const a = capture('goroutine.debug1.txt');
  const b = rounds('grpc-leak', '.debug1.txt')[0];
  const got = read(a + b);
  t.equal(got.parts.length, 2);
  t.equal(got.concatenation?.sameProgram, false);
  t.match(got.concatenation?.programs[0] ?? '', /^main in .*text-forms\/main\.go/);
  const d2 = read(capture('goroutine.debug2.txt') + rounds('grpc-leak', '.debug2.txt')[0]);
  t.equal(d2.parts.length, 2);
  t.equal(d2.concatenation?.sameProgram, false);
});

t.test("a log prefix's time, when it says the zone, is the dump's capture time", async (t) => {
  const original = capture('goroutine.debug2.txt');
  const at = (prefix: string): number | null => read(logged(prefix)(original)).snapshot.timeMs;
  // Written down from the prefixes, not from leakdiff: 02:35:49.123 UTC on 2026-11-26.
  const utc = Date.UTC(2026, 10, 26, 2, 35, 49, 123);
  t.equal(at(CRI), utc, 'a container log, nanoseconds cut to milliseconds');
  t.equal(at(TIMESTAMPED), utc, 'kubectl --timestamps');
  t.equal(at(JOURNAL_ISO), utc - 123, 'RFC 3339 syslog, +0000');
  t.equal(at('2026-11-26T08:05:49.123+05:30 stdout F '), utc, 'a zone ahead of UTC');
  t.equal(at(GO_LOG), null, "Go's log package writes local time: no zone, no time");
  t.equal(at(JOURNAL), null, 'classic syslog has no year');
  t.equal(at('2026-11-26T02:35:49.123 '), null, 'a timestamp without a zone');
});

t.test('dumps pasted from a log, saved in the same second: ordered and spaced by their log times', async (t) => {
  const { mkdtempSync, writeFileSync, utimesSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { analyze } = await import('../../src/commands/analyze.js');
  const dir = mkdtempSync(join(tmpdir(), 'leakdiff-paste-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const dumps = readdirSync(fixture('grpc-leak'))
    .filter((n) => n.startsWith('goroutine-') && n.endsWith('.debug2.txt'))
    .sort()
    .slice(0, 2);
  t.equal(dumps.length, 2, 'two real dumps');
  // Saved in reverse order, with one modification time: only the prefixes say when and in what order.
  const names = ['b.txt', 'a.txt'];
  const times = ['2026-11-26T02:40:00.000Z', '2026-11-26T02:41:00.000Z'];
  dumps.forEach((d, i) => {
    const path = join(dir, names[i]);
    writeFileSync(path, logged(`${times[i]} stderr F `)(readFileSync(fixture('grpc-leak', d), 'utf8')));
    utimesSync(path, 1_800_000_000, 1_800_000_000);
  });
  const a = analyze({ files: [dir], intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
  const used = a.series.inputs.filter((i) => i.setAside === null);
  t.same(
    used.map((i) => [i.path.endsWith('b.txt') ? 'b' : 'a', i.timeMs]).sort((x, y) => (x[1] as number) - (y[1] as number)),
    [
      ['b', Date.parse(times[0])],
      ['a', Date.parse(times[1])],
    ],
  );
  t.same(a.series.goroutine?.times, [0, 60], 'a minute apart');
});

t.test("a dump in Docker's json-file log takes the records' time as its capture time; JSON that holds no dump is still refused", async (t) => {
  const s = read(dockerLog(capture('goroutine.debug2.txt'))).snapshot;
  t.equal(s.timeMs, Date.parse(DOCKER_TIME.replace(/(\.\d{3})\d+Z$/, '$1Z')));
  t.match(thrown(() => read('{"level":"info","msg":"listening on :8080"}\n')).message, /JSON, not a profile/);
  t.match(thrown(() => read('{"a":1}\n{"a":2}\n')).message, /JSON, not a profile/);
});
