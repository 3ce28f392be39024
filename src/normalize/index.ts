// The normalize stage: snapshots in, samples keyed by stable frame and stack identities out. Identities are
// interned across the whole series (integers, not strings, from here on), one snapshot at a time, so a
// decoded snapshot can be dropped as soon as it is normalized: only the tables and per-stack values stay.

import { FORMS } from '../forms.js';
import type { GoroutineGroupInfo, Snapshot } from '../model.js';
import { hashEnd, HASH_SEED, hashStep, IdListTable } from './id-lists.js';
import { creatorClue, frameClues, GOROUTINELEAK_CLUE, LEAKED_STATE_CLUE, VersionClues, type GoVersionRange } from './go-version.js';
import { isRuntimeFunction, normalizeFile, normalizeFunction } from './names.js';
import { fixedOrigin, inferOwnership, originIn, ProgramNames, type Origin, type Ownership } from './ownership.js';
import { StackLines } from './stack-lines.js';
import { siteColumn, SumScratch, sumBySite, total, type SiteValues } from './site-sums.js';
import { LeafLines, type OtherLines } from './leaf-lines.js';

export type { Origin, Ownership } from './ownership.js';
export type { GoVersionRange, VersionClue } from './go-version.js';
export type { StackLines } from './stack-lines.js';
export type { OtherLines } from './leaf-lines.js';

export type Granularity = 'functions' | 'lines';

/** A named policy: printed in the report header, and the only input to a call-site key besides the frames. */
export interface NormalizationPolicy {
  readonly name: string;
  readonly granularity: Granularity;
  readonly rules: readonly string[];
}

const RULES = [
  'module versions, module-cache, GOROOT, GOPATH and vendor prefixes dropped from file paths',
  'address offsets, goroutine ids, argument words, (inline) markers and elisions carry no identity',
  'closure and generic instance suffixes folded (func1 → func, [go.shape.int] → [...])',
  'leading runtime.* frames kept as evidence, not as the call site; runtime.goexit dropped',
];

export function policyFor(granularity: Granularity): NormalizationPolicy {
  return {
    name: granularity === 'lines' ? 'functions+lines' : 'functions',
    granularity,
    rules: [granularity === 'lines' ? 'a frame is its function and line number' : 'a frame is its function (line numbers move between builds)', ...RULES],
  };
}

export const DEFAULT_POLICY = policyFor('functions');

export interface SiteFrame {
  readonly id: number;
  /** Normalized function name: the frame's identity at function granularity. */
  readonly function: string;
  /** The name as the profile spells it (first occurrence): `main.(*indexer).submit.func1`. */
  readonly rawFunction: string;
  /** Normalized file of the first occurrence (display only). */
  readonly file: string;
  /** The file as the profile spells it (first occurrence), module version included: where to find its source. */
  readonly rawFile: string;
  /** Line of the first occurrence; exact identity at line granularity. */
  readonly line: number;
  readonly runtime: boolean;
  /**
   * Whose code: the service's own (`user`), a third-party `library`, the standard library, or `unknown` when
   * no evidence placed it. Decided once the whole series is interned (`Interner.settleOwnership`): until
   * then it is only what the frame says by itself (main, std, a library path), else `unknown`.
   */
  readonly origin: Origin;
}

export interface SiteStack {
  readonly id: number;
  /** The call site: SiteFrame ids, leaf first, without leading runtime frames. */
  readonly frames: readonly number[];
  /** Leading runtime frames of the first occurrence (what a goroutine waits in), evidence only. */
  readonly runtimeTop: readonly number[];
  /**
   * Line of the leaf-most frame of the service's own code at the first occurrence (where it calls out), or 0;
   * 0 unless the Interner keeps lines. Set by `Interner.settleOwnership`, once it is known which code is own.
   */
  readonly userLine: number;
}

/** For the userLine decision: (frame id, line) of the first occurrence's frames that may be the service's own. */
type OwnLineCandidates = readonly (readonly [number, number])[];

/**
 * A line of the service's own code: a row of the per-line tables, as `go tool pprof -list` shows them. Only
 * user-origin frames get one, which keeps the tables small; at line granularity `frame` already names the line.
 */
export interface LineSite {
  readonly id: number;
  /** SiteFrame id of the function. */
  readonly frame: number;
  readonly line: number;
}

export interface GroupFacts {
  readonly states: string[];
  waitMinutesMin: number;
  waitMinutesMax: number;
  lockedToThread: boolean;
  /** SiteFrame id of the `created by` frame, or -1. */
  creator: number;
  /**
   * Creator goroutine ids (`created by X in goroutine N`, Go 1.21+) and how many of the group's goroutines
   * named each, summed over the snapshots; empty without them.
   */
  readonly creatorGoroutines: Map<number, number>;
  /** Ids of goroutines seen in the group (the dumps' example ids, up to MAX_GROUP_IDS), to find a creator by id. */
  readonly goroutineIds: number[];
}

/**
 * Goroutine ids kept per group over a series. The ids a creator lookup needs are of long-lived goroutines (an
 * accept loop, a refresh loop), alone in their group; a dump lists a few per group (decode: EXAMPLE_IDS).
 */
const MAX_GROUP_IDS = 64;

export type { SiteValues } from './site-sums.js';

export type SnapshotMeta = Omit<Snapshot, 'frames' | 'stackStart' | 'stackFrames' | 'values' | 'labels' | 'goroutineInfo'>;

export interface NormalizedSnapshot {
  readonly meta: SnapshotMeta;
  /** The programs its main.* files name (ownership.ts `ProgramNames`); empty when no main frame is in it. */
  readonly programs: readonly string[];
  /** Distinct call sites present in this snapshot. */
  readonly stackIds: Uint32Array;
  /**
   * values[t][i]: sum of sample type t over the snapshot's samples whose call site is stackIds[i]. A column of
   * whole numbers below 2^32 (every count, and bytes in use at a site under 4 GiB) is kept as a Uint32Array,
   * half the memory and the same numbers; any other column as a Float64Array.
   */
  readonly values: readonly SiteValues[];
  /**
   * totals[t]: sample type t over the whole snapshot (the sum of values[t], in entry order). Kept when the
   * per-site values are handed to the series (series/columns.ts).
   */
  readonly totals: readonly number[];
  /**
   * Heap only: per entry, the in-use and allocated bytes from leaf lines other than the site's reference line
   * (leaf-lines.ts); null when there are none, or the snapshot is not a heap profile with both.
   */
  readonly otherLines: OtherLines | null;
  /** Goroutine-dump facts per entry, or null for forms without them. */
  readonly groups: readonly (GroupFacts | null)[] | null;
  /** Lines of the service's own code present in this snapshot (LineSite ids); none unless the Interner keeps lines. */
  readonly lineIds: Uint32Array;
  /** The sample types the line table keeps (LINE_TYPES present in the snapshot), in column order. */
  readonly lineTypes: readonly string[];
  /**
   * lineValues[i * lineTypes.length + t]: sum over the samples whose stack passes through lineIds[i], each
   * sample counted once per line however often it recurses there (pprof -list's cumulative figure).
   */
  readonly lineValues: Float64Array;
}

/**
 * What the per-line table keeps: what is in use now, and goroutine counts. Allocation totals never shrink,
 * so they say nothing about a leak, and leaving them out (with the samples that hold nothing in use, about
 * half of a heap profile) keeps the extra walk over the stacks cheap. No profile has more than two of them
 * (a heap profile both in-use types, a goroutine profile its count), so walkLines keeps a sample's two
 * values in locals.
 */
const LINE_TYPES: readonly string[] = ['inuse_space', 'inuse_objects', 'goroutine'];

export class Interner {
  readonly frames: SiteFrame[] = [];
  readonly stacks: SiteStack[] = [];
  readonly lines: LineSite[] = [];
  private readonly frameIds = new Map<string, number>();
  /** normalizeFunction of each raw name seen: every snapshot of a series names the same functions again. */
  private readonly normalizedNames = new Map<string, string>();
  private readonly programNames = new ProgramNames();
  private readonly sumScratch = new SumScratch();
  private readonly leafLines = new LeafLines();
  /** LineSite ids by frame id × LINE_KEY + line. */
  private readonly lineSiteIds = new Map<number, number>();
  /** Each call site's lines at its first occurrence. */
  readonly stackLines = new StackLines();
  /** Call sites by their frame ids: entry k of the table is SiteStack k. */
  private readonly stackTable = new IdListTable(4096);
  /** Per stack id, with keepLines: frames of its first occurrence that may be own code, leaf first. */
  private readonly ownLineCandidates: OwnLineCandidates[] = [];
  private settled: Ownership | null = null;
  /** What the frames and dumps say about the Go version, over everything interned. */
  private readonly versionClues = new VersionClues();

  constructor(
    readonly policy: NormalizationPolicy = DEFAULT_POLICY,
    /** The user's own module paths (`--module`); empty to infer them from the profiles (see ownership.ts). */
    readonly userModules: readonly string[] = [],
    /**
     * Keep the per-line tables (and each call site's userLine), for the source view (`--source`). Off, a run
     * does not pay for them: on the bench series, where nearly every frame is the service's own, the walk
     * over every frame of every sample costs about a twentieth of a whole analysis.
     */
    readonly keepLines = false,
  ) {}

  private frameId(fn: string, file: string, line: number): number {
    let name = this.normalizedNames.get(fn);
    if (name === undefined) this.normalizedNames.set(fn, (name = normalizeFunction(fn)));
    const key = this.policy.granularity === 'lines' ? `${name}:${line}` : name;
    let id = this.frameIds.get(key);
    if (id === undefined) {
      id = this.frames.length;
      const facts = { rawFunction: fn, rawFile: file };
      const origin = this.settled === null ? (fixedOrigin(facts) ?? 'unknown') : originIn(this.settled, facts);
      this.frames.push({ id, function: name, rawFunction: fn, file: normalizeFile(file), rawFile: file, line, runtime: isRuntimeFunction(name), origin });
      for (const clue of frameClues(fn, file)) this.versionClues.add(clue);
      this.frameIds.set(key, id);
    }
    return id;
  }

  /**
   * The id of a call site, interning it on first sight. Keys are integers, not joined strings: measured on
   * the bench series, `join` plus a string-keyed map was a fifth of the whole run.
   */
  private stackId(callSite: Scratch, runtimeTop: Scratch, hash: number): number {
    const known = this.stackTable.find(callSite, hash);
    if (known >= 0) return known;
    const id = this.stackTable.add(callSite);
    this.stacks.push({
      id,
      frames: toArray(callSite),
      runtimeTop: toArray(runtimeTop),
      userLine: 0,
    });
    return id;
  }

  /** Normalizes one snapshot into the shared tables; the snapshot itself can be dropped afterwards. */
  add(s: Snapshot): NormalizedSnapshot {
    this.noteVersionClues(s);
    // runtime.goexit is the bottom of every goroutine in protobuf profiles and absent from dumps: no identity.
    const local = s.frames.map((f) => (f.function === 'runtime.goexit' ? -1 : this.frameId(f.function, f.file, f.line)));
    // Per snapshot frame, once: its site frame id, and whether it is left out of a call site's start (no
    // identity, or a runtime frame). The walk over every frame of every sample reads only these two.
    const siteOf = Int32Array.from(local);
    const skip = new Uint8Array(local.length);
    for (let f = 0; f < local.length; f++) skip[f] = local[f] < 0 || this.frames[local[f]].runtime ? 1 : 0;
    const width = s.sampleTypes.length;
    // Three walks, each a loop of its own so that V8 optimizes each for what it sees (one loop with the
    // dump and line branches in it was deoptimized and recompiled whenever a snapshot took a branch the
    // earlier ones had not): each sample's call site, then the per-site sums, then the dump facts.
    const callSite = this.callSites(s, siteOf, skip, local);
    const { ids, sums, entries } = sumBySite(callSite, s.values, width, this.stacks.length, this.sumScratch);
    const groups = s.goroutineInfo === null ? null : this.groupFacts(s.goroutineInfo, callSite, ids, entries);
    const values = Array.from({ length: width }, (_, t) => siteColumn(sums, width, t, entries));
    const otherLines = s.kind === 'heap' ? this.leafLines.split(s, callSite, skip, ids, this.sumScratch.entryOf) : null;
    return {
      meta: metaOf(s),
      programs: this.programNames.of(s.frames.map((f) => ({ rawFunction: f.function, rawFile: f.file }))),
      stackIds: ids,
      values,
      totals: values.map(total),
      otherLines,
      groups,
      ...(this.keepLines ? this.lineTable(s, local) : { lineIds: new Uint32Array(0), lineTypes: [], lineValues: new Float64Array(0) }),
    };
  }

  /** Each sample's call site (a stack id), interning the new ones. */
  private callSites(s: Snapshot, siteOf: Int32Array, skip: Uint8Array, local: readonly number[]): Uint32Array {
    const { stackStart, stackFrames, sampleCount } = s;
    let deepest = 0;
    for (let i = 0; i < sampleCount; i++) deepest = Math.max(deepest, stackStart[i + 1] - stackStart[i]);
    const site = scratch(deepest);
    const top = scratch(deepest);
    const out = new Uint32Array(sampleCount);
    for (let i = 0; i < sampleCount; i++) {
      const hash = splitStack(siteOf, skip, stackFrames, stackStart[i], stackStart[i + 1], site, top);
      const known = this.stacks.length;
      const stack = this.stackId(site, top, hash);
      // Set once, right after the call site is made and before anything reads it.
      if (stack === known) {
        this.stackLines.add(s, siteOf, stackStart[i], stackStart[i + 1]);
        if (this.keepLines) this.ownLineCandidates[stack] = this.mayBeOwnLines(s, local, stackStart[i], stackStart[i + 1]);
      }
      out[i] = stack;
    }
    return out;
  }

  /** Dump facts per entry of the snapshot's sums, merged over the samples that share its call site. */
  private groupFacts(info: readonly GoroutineGroupInfo[], callSite: Uint32Array, ids: Uint32Array, entries: number): (GroupFacts | null)[] {
    const entryOf = new Map<number, number>();
    for (let e = 0; e < entries; e++) entryOf.set(ids[e], e);
    const groups = new Array<GroupFacts | null>(entries).fill(null);
    for (let i = 0; i < callSite.length; i++) {
      const e = entryOf.get(callSite[i]) as number;
      groups[e] = mergeFacts(groups[e], info[i], this);
    }
    return groups;
  }

  /**
   * The snapshot's per-line table. Each of the snapshot's frames maps to its LineSite once, so the walk per
   * sample is a typed-array lookup per frame. A walk of its own after the call sites': in the same loop it
   * slowed the call-site walk by a third (V8 stopped inlining its helpers), far more than it cost itself.
   */
  private lineTable(s: Snapshot, local: readonly number[]): Pick<NormalizedSnapshot, 'lineIds' | 'lineTypes' | 'lineValues'> {
    const types = LINE_TYPES.filter((t) => s.sampleTypes.some((st) => st.type === t));
    const siteOf = new Int32Array(local.length);
    let any = false;
    for (let f = 0; f < local.length; f++) {
      const id = local[f];
      const line = s.frames[f].line;
      siteOf[f] = id < 0 || !this.isUserFrame(id) || line <= 0 || line >= LINE_KEY ? -1 : this.lineSiteId(id, line);
      any ||= siteOf[f] >= 0;
    }
    if (!any || types.length === 0) return { lineIds: new Uint32Array(0), lineTypes: [], lineValues: new Float64Array(0) };
    const columns = types.map((t) => s.sampleTypes.findIndex((st) => st.type === t));
    const sums = new Float64Array(this.lines.length * 2);
    walkLines(s, siteOf, sums, columns[0], columns[1] ?? -1);
    return compactLines(sums, types);
  }

  /**
   * Frames that may turn out to be the service's own once the series is interned: per-line rows are kept
   * for them, and the rows of frames that turn out not to be are never read (the source view reads only
   * its culprit's). After settleOwnership, only own frames.
   */
  private isUserFrame(id: number): boolean {
    const f = this.frames[id];
    return !f.runtime && (f.origin === 'user' || (this.settled === null && f.origin === 'unknown'));
  }

  /** (frame id, line) of the frames in stack[start, end) that may be the service's own, leaf first. */
  private mayBeOwnLines(s: Snapshot, local: readonly number[], start: number, end: number): OwnLineCandidates {
    const out: [number, number][] = [];
    for (let k = start; k < end; k++) {
      const id = local[s.stackFrames[k]];
      if (id >= 0 && this.isUserFrame(id)) out.push([id, s.frames[s.stackFrames[k]].line]);
    }
    return out;
  }

  /**
   * Decides whose code every frame is, from the evidence of the whole series (main.* files, shared
   * checkouts and import paths, library marks; `--module` when given), and sets each frame's origin and
   * each call site's userLine accordingly. Call it once every snapshot is added; frames interned later
   * (none, in the pipeline) get their origin from the same decision.
   */
  settleOwnership(): Ownership {
    const ownership = inferOwnership(this.frames, this.userModules);
    this.settled = ownership;
    for (const f of this.frames) (f as { origin: Origin }).origin = originIn(ownership, f);
    if (this.keepLines) {
      this.ownLineCandidates.forEach((candidates, stack) => {
        const own = candidates.find(([id]) => this.frames[id].origin === 'user');
        (this.stacks[stack] as { userLine: number }).userLine = own === undefined ? 0 : own[1];
      });
    }
    return ownership;
  }

  /** Clues that are no frame: the goroutineleak profile itself, and a dump's creator lines and wait states. */
  private noteVersionClues(s: Snapshot): void {
    if (s.kind === 'goroutineleak') this.versionClues.add(GOROUTINELEAK_CLUE(s.source));
    if (s.goroutineInfo === null || !FORMS[s.form].perGoroutine) return;
    for (const g of s.goroutineInfo) {
      if (g.creator !== null) this.versionClues.add(creatorClue(g.creator.function, g.creatorGoroutine));
      if (g.state.includes('(leaked)')) this.versionClues.add(LEAKED_STATE_CLUE(g.state));
    }
  }

  /** The Go versions the series' frames and dumps allow (go-version.ts), over everything added so far. */
  goVersion(): GoVersionRange {
    return this.versionClues.range();
  }

  /** The decision settleOwnership made, or null before it ran. */
  get ownership(): Ownership | null {
    return this.settled;
  }

  private lineSiteId(frame: number, line: number): number {
    const key = frame * LINE_KEY + line;
    let id = this.lineSiteIds.get(key);
    if (id === undefined) {
      id = this.lines.length;
      this.lines.push({ id, frame, line });
      this.lineSiteIds.set(key, id);
    }
    return id;
  }

  /** SiteFrame id for a creator frame of a goroutine dump. */
  creatorId(fn: string, file: string, line: number): number {
    return this.frameId(fn, file, line);
  }
}

/** A reusable run of frame ids: a typed buffer and how much of it is in use (no array per sample). */
interface Scratch {
  readonly ids: Int32Array;
  length: number;
}

const scratch = (size: number): Scratch => ({ ids: new Int32Array(Math.max(1, size)), length: 0 });

/**
 * The scratch's ids as a packed array. A loop, not `Array.from(ids.subarray(...))`: that walks the typed
 * array's iterator, one result object per id (on the bench series, 60 MB of young garbage per run).
 */
function toArray(s: Scratch): number[] {
  const out: number[] = [];
  for (let k = 0; k < s.length; k++) out.push(s.ids[k]);
  return out;
}

/** Lines above this are not lines (a corrupt profile); below it, frame id × LINE_KEY + line is a safe integer. */
const LINE_KEY = 2 ** 21;

/**
 * Adds each sample's kept values (one or two columns, held in locals) to every user line on its stack, once
 * per line however often the sample recurses there, into sums[2 × LineSite id] and the next. This walk
 * visits every frame of every sample that holds something, tens of millions on a production series: a
 * lookup, a check and two additions per frame.
 */
function walkLines(s: Snapshot, siteOf: Int32Array, sums: Float64Array, c0: number, c1: number): void {
  const { stackStart, stackFrames, values } = s;
  const width = s.sampleTypes.length;
  // The last sample that added to each LineSite.
  const stamp = new Int32Array(sums.length / 2).fill(-1);
  for (let i = 0; i < s.sampleCount; i++) {
    const v0 = values[i * width + c0];
    const v1 = c1 < 0 ? 0 : values[i * width + c1];
    if (v0 === 0 && v1 === 0) continue;
    const end = stackStart[i + 1];
    for (let k = stackStart[i]; k < end; k++) {
      const site = siteOf[stackFrames[k]];
      if (site < 0 || stamp[site] === i) continue;
      stamp[site] = i;
      sums[2 * site] += v0;
      sums[2 * site + 1] += v1;
    }
  }
}

/** The lines some sample passed through (values are never negative: a row of zeros was not touched). */
function compactLines(sums: Float64Array, types: readonly string[]): Pick<NormalizedSnapshot, 'lineIds' | 'lineTypes' | 'lineValues'> {
  const w = types.length;
  let n = 0;
  for (let site = 0; site < sums.length / 2; site++) if (sums[2 * site] !== 0 || sums[2 * site + 1] !== 0) n++;
  const lineIds = new Uint32Array(n);
  const lineValues = new Float64Array(n * w);
  let e = 0;
  for (let site = 0; site < sums.length / 2; site++) {
    if (sums[2 * site] === 0 && sums[2 * site + 1] === 0) continue;
    lineIds[e] = site;
    for (let t = 0; t < w; t++) lineValues[e * w + t] = sums[2 * site + t];
    e++;
  }
  return { lineIds, lineTypes: types, lineValues };
}

/**
 * Splits stack[start, end) into its leading runtime frames and the call site (everything from the first
 * non-runtime frame), and returns the call site's hashIds, taken as it is written. Indices rather than a
 * subarray: a view object per sample was measurable GC.
 */
function splitStack(siteOf: Int32Array, skip: Uint8Array, stack: Uint32Array, start: number, end: number, site: Scratch, top: Scratch): number {
  let k = start;
  while (k < end && skip[stack[k]] === 1) k++;
  // A stack of runtime frames only (GC workers, the scavenger) is its own call site, as Go prints it.
  if (k === end) k = start;
  let t = 0;
  for (let j = start; j < k; j++) {
    const id = siteOf[stack[j]];
    if (id >= 0) top.ids[t++] = id;
  }
  let n = 0;
  let h = HASH_SEED;
  for (let j = k; j < end; j++) {
    const id = siteOf[stack[j]];
    if (id >= 0) {
      site.ids[n++] = id;
      h = hashStep(h, id);
    }
  }
  top.length = t;
  site.length = n;
  return hashEnd(h, n);
}

function mergeFacts(prev: GroupFacts | null, info: GoroutineGroupInfo, interner: Interner): GroupFacts {
  const creator = info.creator === null ? -1 : interner.creatorId(info.creator.function, info.creator.file, info.creator.line);
  const creatorGoroutines = new Map<number, number>(info.creatorGoroutines);
  const next = {
    states: [info.state],
    waitMinutesMin: info.waitMinutesMin,
    waitMinutesMax: info.waitMinutesMax,
    lockedToThread: info.lockedToThread,
    creator,
    creatorGoroutines,
    goroutineIds: [...info.exampleIds],
  };
  return prev === null ? next : mergeGroupFacts(prev, next);
}

/**
 * States kept per call site: a real one waits in one to three (`chan receive`, `select`); a dump whose
 * goroutines each claim a state of their own made every merge scan all the states before it (quadratic).
 */
const MAX_STATES = 16;

/**
 * Folds one group's facts into another's (groups that share a call site, within a snapshot or across the
 * series): every state seen, the widest wait-minutes range, locked if any was, the first creator known, the
 * creator goroutines counted and the goroutine ids gathered.
 * Mutates and returns `into`.
 */
export function mergeGroupFacts(into: GroupFacts, from: Readonly<GroupFacts>): GroupFacts {
  for (const st of from.states) if (into.states.length < MAX_STATES && !into.states.includes(st)) into.states.push(st);
  into.waitMinutesMin = Math.min(into.waitMinutesMin, from.waitMinutesMin);
  into.waitMinutesMax = Math.max(into.waitMinutesMax, from.waitMinutesMax);
  into.lockedToThread ||= from.lockedToThread;
  if (into.creator < 0) into.creator = from.creator;
  for (const [id, n] of from.creatorGoroutines) into.creatorGoroutines.set(id, (into.creatorGoroutines.get(id) ?? 0) + n);
  for (const id of from.goroutineIds) if (into.goroutineIds.length < MAX_GROUP_IDS && !into.goroutineIds.includes(id)) into.goroutineIds.push(id);
  return into;
}

function metaOf(s: Snapshot): SnapshotMeta {
  const { frames: _f, stackStart: _a, stackFrames: _b, values: _v, labels: _l, goroutineInfo: _g, ...meta } = s;
  return meta;
}
