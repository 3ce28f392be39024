// Go's `heap?debug=1` (and `allocs?debug=1`, the same text), as runtime/pprof writeHeapInternal prints it:
//
//	heap profile: 14: 1857776 [72: 9459952] @ heap/131072
//	6: 589824 [6: 589824] @ 0x4ef4c5 0x4ef4b0 0x439f52 0x466721
//	#	0x4ef4c4	main.(*store).put+0x484	/src/app/main.go:27
//	#	0x4ef4af	main.main+0x46f		/src/app/main.go:176
//	<blank>
//	...
//	# runtime.MemStats
//	# Alloc = 2268568
//
// The header and each record give in-use objects: bytes [allocated objects: bytes]; the header's `heap/R`
// carries 2*MemProfileRate (the C++ heap profiler's convention). Values are sampled; they are unsampled here
// exactly as the runtime does for its protobuf heap profile, so a text series and a protobuf series of the
// same moments agree. The MemStats trailer is checked for shape and otherwise ignored.
//
// Not Go forms, but recognised here so the user hears what the file is rather than "unrecognized":
// gperftools (C++) heap profiles (`@ heapz_v2/524288`, `heap_v2/`), which carry addresses only, and Java's
// `--- heapz 1 ---`; both end in an UnsupportedError. A Go header whose records have addresses but no `#`
// lines (pprof's legacy tests have one) is refused as not symbolized: without symbols there is no stack.

import { UnsupportedError, quote } from '../errors.js';
import { FORMS } from '../forms.js';
import type { Limits } from '../limits.js';
import type { Snapshot, ValueType } from '../model.js';
import { SnapshotBuilder } from './builder.js';
import { SymbolStack, checkSymbolized, countAddresses, isSymbolLine } from './text-frames.js';
import { LineCursor, type Sniff, firstLine, malformedLine, parseCount } from './text-lines.js';

// heap profile: 14: 1857776 [72: 9459952] @ heap/131072
// heap profile:    144:  8498176 [   144:  8498176] @ heapz_v2/524288      (gperftools, not Go)
const HEAP_HEADER = /^heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *([a-z_0-9]*)\/?(\d*)\s*$/;

// 6: 589824 [6: 589824] @ 0x4ef4c5 0x4ef4b0 0x439f52 0x466721
// 1: 288 [2: 296] @                                                       (an empty stack)
const HEAP_RECORD = /^ *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@((?: +0x[0-9a-f]+)*) *$/;

// --- heapz 1 ---
const JAVA_HEAPZ = '--- heapz';

const MEMSTATS = '# runtime.MemStats';

/** Sample types and order of Go's protobuf heap profile (runtime/pprof writeHeapProto). */
export const HEAP_SAMPLE_TYPES: readonly ValueType[] = [
  { type: 'alloc_objects', unit: 'count' },
  { type: 'alloc_space', unit: 'bytes' },
  { type: 'inuse_objects', unit: 'count' },
  { type: 'inuse_space', unit: 'bytes' },
];

/** `heap profile: 14: 1857776 [72: 9459952] @ heap/131072`, for the lenient reader and splitter. */
export function isHeapHeader(line: string): boolean {
  return line.startsWith('heap profile:');
}

/** How many addresses a heap record line lists, or null when the line is no heap record. */
export function heapRecordAddresses(line: string): number | null {
  const m = HEAP_RECORD.exec(line);
  return m === null ? null : countAddresses(m[5]);
}

export function sniffHeapText(head: string): Sniff {
  const line = firstLine(head);
  return line.startsWith('heap profile:') || line.startsWith(JAVA_HEAPZ) ? 'my format' : 'not my format';
}

/**
 * Unsample one (count, size) pair as Go's runtime/pprof scaleHeapSample does: an allocation of average size
 * S is in the profile with probability 1-exp(-S/rate), so both numbers are divided by that and truncated to
 * an integer (int64 in Go). rate <= 1 means every allocation was recorded (or the rate is unknown): as is.
 */
export function scaleHeapSample(count: number, size: number, rate: number): [number, number] {
  if (count === 0 || size === 0) return [0, 0];
  if (rate <= 1) return [count, size];
  const avgSize = size / count;
  const scale = 1 / (1 - Math.exp(-avgSize / rate));
  return [Math.trunc(count * scale), Math.trunc(size * scale)];
}

interface HeapRecord {
  readonly lineNo: number;
  readonly inuseObjects: number;
  readonly inuseBytes: number;
  readonly allocObjects: number;
  readonly allocBytes: number;
  /** How many addresses the `@` list holds. */
  readonly addressCount: number;
}

export function parseHeapText(source: string, text: string, limits: Limits): Snapshot {
  const cursor = new LineCursor(text, source, limits.maxLineLength);
  const header = readHeader(cursor, source);
  const rate = header.rate;
  const builder = new SnapshotBuilder(
    {
      source,
      form: 'heap-text',
      kind: FORMS['heap-text'].kind,
      sampleTypes: HEAP_SAMPLE_TYPES,
      period: { type: { type: 'space', unit: 'bytes' }, value: rate },
    },
    limits,
  );
  const stack = new SymbolStack(source);
  const sums = [0, 0, 0, 0];
  let memStats = false;
  let record: HeapRecord | null = null;
  const finish = (): void => {
    if (record === null) return;
    addRecord(builder, stack, record, rate, source);
    sums[0] += record.inuseObjects;
    sums[1] += record.inuseBytes;
    sums[2] += record.allocObjects;
    sums[3] += record.allocBytes;
    record = null;
  };
  while (cursor.next()) {
    const line = cursor.line;
    if (isSymbolLine(line)) {
      if (record === null) throw malformedLine(source, cursor, 'a symbol line outside a record');
      stack.add(cursor);
    } else if (line.trim() === '') {
      finish();
    } else if (line.startsWith(MEMSTATS)) {
      finish();
      memStats = true;
      checkMemStats(cursor, source);
    } else {
      finish();
      record = readRecord(cursor, source);
    }
  }
  finish();
  if (!memStats) builder.warn('no `# runtime.MemStats` trailer, which Go always writes: the file may have been cut short');
  if (sums.some((sum, i) => sum !== header.totals[i])) {
    builder.warn(`the header's totals (${header.totals.join(', ')}) differ from the sum of the records (${sums.join(', ')})`);
  }
  return builder.build();
}

interface HeapHeader {
  /** MemProfileRate: the header's `heap/R` carries 2*MemProfileRate. */
  readonly rate: number;
  /** In-use objects, in-use bytes, allocated objects, allocated bytes, as the header states them. */
  readonly totals: readonly number[];
}

function readHeader(cursor: LineCursor, source: string): HeapHeader {
  while (cursor.next() && cursor.line.trim() === '');
  const line = cursor.line.trim();
  if (line.startsWith(JAVA_HEAPZ)) {
    throw new UnsupportedError(
      source,
      'decode',
      `a legacy Java heap profile (${quote(line)}); unsupported profile form: leakdiff reads the heap profiles Go writes`,
      { line: cursor.lineNo },
    );
  }
  const m = HEAP_HEADER.exec(line);
  if (m === null) throw malformedLine(source, cursor, 'not a heap profile header (heap profile: N: N [N: N] @ heap/N)');
  const totals = [m[1], m[2], m[3], m[4]].map(parseCount);
  const twiceRate = parseCount(m[6]);
  if (m[5] !== 'heap' || Number.isNaN(twiceRate)) {
    throw new UnsupportedError(
      source,
      'decode',
      `a legacy gperftools (C++) heap profile (@ ${m[5]}/${m[6]}), not symbolized (addresses only); unsupported profile form: leakdiff reads the heap profiles Go writes`,
      { line: cursor.lineNo },
    );
  }
  if (totals.some(Number.isNaN)) throw malformedLine(source, cursor, 'a header value is not a count leakdiff can hold exactly');
  return { rate: twiceRate / 2, totals };
}

function readRecord(cursor: LineCursor, source: string): HeapRecord {
  const m = HEAP_RECORD.exec(cursor.line);
  if (m === null) throw malformedLine(source, cursor, 'not a heap record (N: N [N: N] @ 0x... ) or a symbol line');
  const [inuseObjects, inuseBytes, allocObjects, allocBytes] = [m[1], m[2], m[3], m[4]].map(parseCount);
  if ([inuseObjects, inuseBytes, allocObjects, allocBytes].some(Number.isNaN)) {
    throw malformedLine(source, cursor, 'a value is not a count leakdiff can hold exactly');
  }
  return { lineNo: cursor.lineNo, inuseObjects, inuseBytes, allocObjects, allocBytes, addressCount: countAddresses(m[5]) };
}

function addRecord(builder: SnapshotBuilder, stack: SymbolStack, record: HeapRecord, rate: number, source: string): void {
  checkSymbolized(source, stack, record.addressCount, builder.sampleCount === 0, record.lineNo);
  const [allocObjects, allocSpace] = scaleHeapSample(record.allocObjects, record.allocBytes, rate);
  const [inuseObjects, inuseSpace] = scaleHeapSample(record.inuseObjects, record.inuseBytes, rate);
  builder.addSample(stack.take(builder), [allocObjects, allocSpace, inuseObjects, inuseSpace]);
}

/** After `# runtime.MemStats` Go writes only `# Name = value` lines; anything else means two files were joined. */
function checkMemStats(cursor: LineCursor, source: string): void {
  while (cursor.next()) {
    const line = cursor.line;
    if (line.charCodeAt(0) !== 35 && line.trim() !== '') throw malformedLine(source, cursor, 'only `# Name = value` lines may follow `# runtime.MemStats`');
  }
}
