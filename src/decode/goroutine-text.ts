// Go's debug=1 count profiles, as runtime/pprof printCountProfile prints them: `goroutine?debug=1`,
// `goroutineleak?debug=1` (Go 1.26), `threadcreate?debug=1` and custom pprof.NewProfile profiles.
//
//	goroutine profile: total 19
//	2 @ 0x43a316 0x407bbb 0x4076f8 0x4edf87 0x4edf75 0x466721
//	# labels: {"handler":"checkout", "tenant":"acme \"eu\""}
//	#	0x4edf86	main.recv+0x26		/src/app/main.go:53
//	#	0x4edf74	main.blockRecv+0x14	/src/app/main.go:56
//	<blank>
//
// One record per distinct (stack, labels); its count is the sample's value. The header's total is the
// number of goroutines the runtime counted: the records should add up to it.

import type { Limits } from '../limits.js';
import type { Kind, Snapshot } from '../model.js';
import { SnapshotBuilder } from './builder.js';
import { SymbolStack, checkSymbolized, countAddresses, isSymbolLine } from './text-frames.js';
import { isLabelsLine, parseLabelsLine } from './text-labels.js';
import { LineCursor, type Sniff, detach, firstLine, malformedLine, parseCount } from './text-lines.js';

// goroutine profile: total 19
// threadcreate profile: total 6
const COUNT_HEADER = /^([A-Za-z0-9_.\/-]+) profile: total (\d+)\s*$/;

// 2 @ 0x43a316 0x407bbb 0x4076f8 0x4edf87 0x4edf75 0x466721
// 5 @                                                             (an empty stack)
const COUNT_RECORD = /^(\d+) @((?: 0x[0-9a-f]+)*) *$/;

/** `goroutine profile: total 19`, for the lenient reader and splitter. */
export function isCountHeader(line: string): boolean {
  return COUNT_HEADER.test(line);
}

/** The count of a record line (`2 @ 0x43a316 0x407bbb`) and how many addresses it lists, or null. */
export function countRecord(line: string): { readonly count: number; readonly addresses: number } | null {
  const m = COUNT_RECORD.exec(line);
  return m === null ? null : { count: parseCount(m[1]), addresses: countAddresses(m[2]) };
}

export function sniffGoroutineText(head: string): Sniff {
  return COUNT_HEADER.test(firstLine(head)) ? 'my format' : 'not my format';
}

/** goroutine and goroutineleak are what leakdiff analyzes; threadcreate and custom profiles are 'other'. */
function kindOf(profileName: string): Kind {
  return profileName === 'goroutine' || profileName === 'goroutineleak' ? profileName : 'other';
}

interface CountRecord {
  readonly lineNo: number;
  readonly count: number;
  /** How many addresses the `@` list holds. */
  readonly addressCount: number;
  labels: Readonly<Record<string, string>> | null;
}

export function parseGoroutineText(source: string, text: string, limits: Limits): Snapshot {
  const cursor = new LineCursor(text, source, limits.maxLineLength);
  while (cursor.next() && cursor.line.trim() === '');
  const header = COUNT_HEADER.exec(cursor.line.trim());
  const total = header === null ? Number.NaN : parseCount(header[2]);
  if (header === null || Number.isNaN(total)) throw malformedLine(source, cursor, 'not a count profile header (NAME profile: total N)');
  const name = detach(header[1]);
  const builder = new SnapshotBuilder(
    {
      source,
      form: 'goroutine-text',
      kind: kindOf(name),
      // As in Go's protobuf form of the same profile (printCountProfile with debug=0).
      sampleTypes: [{ type: name, unit: 'count' }],
      period: { type: { type: name, unit: 'count' }, value: 1 },
      declaredTotal: total,
    },
    limits,
  );
  const stack = new SymbolStack(source);
  let record: CountRecord | null = null;
  let sum = 0;
  const finish = (): void => {
    if (record === null) return;
    addRecord(builder, stack, record, source);
    sum += record.count;
    record = null;
  };
  while (cursor.next()) {
    const line = cursor.line;
    if (isSymbolLine(line)) {
      if (record === null) throw malformedLine(source, cursor, 'a symbol line outside a record');
      stack.add(cursor);
    } else if (isLabelsLine(line)) {
      if (record === null || record.labels !== null || stack.length > 0)
        throw malformedLine(source, cursor, 'a `# labels:` line must directly follow its record line');
      // One object per distinct line: records with the same labels share it (see SnapshotBuilder.labelSet).
      record.labels = builder.labelSet(
        line,
        () => parseLabelsLine(line) ?? fail(malformedLine(source, cursor, 'labels not written as Go writes them ({"key":"value", ...})')),
      );
    } else if (line.trim() === '') {
      finish();
    } else {
      finish();
      record = readRecord(cursor, source);
    }
  }
  finish();
  if (sum !== total) builder.warn(`the records add up to ${sum}, the header says total ${total} (the runtime counts while goroutines come and go)`);
  return builder.build();
}

function readRecord(cursor: LineCursor, source: string): CountRecord {
  const m = COUNT_RECORD.exec(cursor.line);
  const count = m === null ? Number.NaN : parseCount(m[1]);
  if (m === null || Number.isNaN(count)) throw malformedLine(source, cursor, 'not a record (N @ 0x...) or a symbol line');
  return { lineNo: cursor.lineNo, count, addressCount: countAddresses(m[2]), labels: null };
}

function addRecord(builder: SnapshotBuilder, stack: SymbolStack, record: CountRecord, source: string): void {
  checkSymbolized(source, stack, record.addressCount, builder.sampleCount === 0, record.lineNo);
  builder.addSample(stack.take(builder), [record.count], record.labels === null ? {} : { labels: record.labels });
}

function fail(err: Error): never {
  throw err;
}
