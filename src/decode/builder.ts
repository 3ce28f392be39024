// Assembles a columnar Snapshot: interns frames, appends stacks into growing typed arrays, checks limits.
// Every decoder (pprof and the Go text forms) builds through this, so all forms yield the same shape.

import { LimitError } from '../errors.js';
import { LIMIT_FLAGS, type Limits } from '../limits.js';
import { type Columns, GrowableF64, GrowableU32 } from './columns.js';
import type { Form } from '../forms.js';
import type { Frame, GoroutineGroupInfo, Kind, Snapshot, ValueType } from '../model.js';

export interface SnapshotHeader {
  readonly source: string;
  readonly form: Form;
  readonly kind: Kind;
  readonly sampleTypes: readonly ValueType[];
  readonly defaultSampleType?: number;
  readonly period?: { readonly type: ValueType; readonly value: number } | null;
  readonly timeMs?: number | null;
  readonly durationNanos?: number;
  readonly declaredTotal?: number | null;
  readonly binary?: string | null;
}

export class SnapshotBuilder {
  private readonly frames: Frame[] = [];
  private readonly frameIndex = new Map<string, number>();
  private readonly stackStart: GrowableU32;
  private readonly stackFrames: GrowableU32;
  private readonly values: GrowableF64;
  private labels: (Readonly<Record<string, string>> | null)[] | null = null;
  /** One shared object per distinct label set, by its key (see labelSet). */
  private readonly labelSets = new Map<string, Readonly<Record<string, string>>>();
  private labelsStored = 0;
  private goroutineInfo: GoroutineGroupInfo[] | null = null;
  private truncation: Snapshot['truncation'] = null;
  private readonly warnings: string[] = [];
  private count = 0;

  /**
   * `expect` sizes the columns up front when the decoder knows them (pprof does, text forms do not);
   * `columns`, when given, are buffers reused from the previous profile (see Columns).
   */
  constructor(
    private header: SnapshotHeader,
    private readonly limits: Limits,
    expect: { readonly samples: number; readonly frames: number } = { samples: 1024, frames: 1024 },
    columns: Columns | null = null,
  ) {
    // Sized from the input, but never past the limits: a few bytes of hostile input can promise billions.
    const samples = Math.min(expect.samples, limits.maxSamples);
    const frames = Math.min(expect.frames, limits.maxFrames);
    const values = samples * header.sampleTypes.length;
    this.stackStart = columns === null ? new GrowableU32(samples + 1) : columns.stackStart.reset(samples + 1);
    this.stackFrames = columns === null ? new GrowableU32(frames) : columns.stackFrames.reset(frames);
    this.values = columns === null ? new GrowableF64(values) : columns.values.reset(values);
    this.stackStart.push(0);
  }

  /** Replace header fields learned late (a text dump's kind, a trailing period...). */
  setHeader(patch: Partial<SnapshotHeader>): void {
    this.header = { ...this.header, ...patch };
  }

  /** The index of a frame, interning it on first sight. */
  frame(func: string, file: string, line: number, inlined = false): number {
    const key = `${func}\u0000${file}\u0000${line}\u0000${inlined ? 1 : 0}`;
    let index = this.frameIndex.get(key);
    if (index === undefined) {
      index = this.frames.length;
      if (index >= this.limits.maxLocations) {
        throw new LimitError(
          this.header.source,
          'decode',
          `more than ${this.limits.maxLocations} distinct frames; raise ${LIMIT_FLAGS.maxLocations} if this profile is genuine`,
        );
      }
      this.frames.push({ function: func, file, line, inlined });
      this.frameIndex.set(key, index);
    }
    return index;
  }

  /**
   * The one object for a label set: every sample with the same labels shares it, so labels cost memory per
   * distinct set, not per sample (500k samples of 64 labels each took 1.9 GB as one object per sample).
   * `key` identifies the set as the input spells it (the label indices of a pprof sample, a `# labels:`
   * line); `make` builds it on first sight, and its labels count against the limit.
   */
  labelSet(key: string, make: () => Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    let set = this.labelSets.get(key);
    if (set === undefined) {
      set = make();
      this.labelsStored += Object.keys(set).length + 1;
      if (this.labelsStored > this.limits.maxLabels) {
        throw new LimitError(
          this.header.source,
          'decode',
          `more than ${this.limits.maxLabels} labels over its ${this.labelSets.size + 1} distinct label sets; raise ${LIMIT_FLAGS.maxLabels} if this profile is genuine`,
        );
      }
      this.labelSets.set(key, set);
    }
    return set;
  }

  /** The frame object for an index returned by frame(). */
  frameAt(index: number): Frame {
    return this.frames[index];
  }

  /**
   * Append one sample. `stack` holds frame indices leaf first; `values` one number per sample type.
   * `info` and `labels` must be given for every sample or for none.
   */
  addSample(
    stack: ArrayLike<number>,
    values: ArrayLike<number>,
    extra: { labels?: Readonly<Record<string, string>> | null; info?: GoroutineGroupInfo } = {},
  ): void {
    this.checkSamples();
    this.checkDepth(stack.length);
    this.checkFrames(stack.length);
    for (let i = 0; i < stack.length; i++) this.stackFrames.push(stack[i]);
    this.stackStart.push(this.stackFrames.length);
    for (let i = 0; i < values.length; i++) this.values.push(values[i]);
    if (extra.labels !== undefined) {
      this.labels ??= new Array<Readonly<Record<string, string>> | null>(this.count).fill(null);
      this.labels.push(extra.labels);
    } else if (this.labels !== null) {
      this.labels.push(null);
    }
    if (extra.info !== undefined) {
      (this.goroutineInfo ??= []).push(extra.info);
    }
    this.count++;
  }

  /**
   * Appends frames to the sample being built, for decoders that resolve a stack piece by piece (pprof
   * locations); finish it with endSample. addSample is the one-call form.
   */
  pushFrames(frames: readonly number[]): void {
    this.checkFrames(frames.length);
    for (let i = 0; i < frames.length; i++) this.stackFrames.push(frames[i]);
  }

  /** pushFrames for frames[from, to) of a typed buffer (pprof's location table), without a copy per location. */
  pushFrameRun(frames: Uint32Array, from: number, to: number): void {
    this.checkFrames(to - from);
    this.stackFrames.pushRun(frames, from, to);
  }

  /**
   * For a decoder's hot loop: the frame column with room for `more` frames past its length, to store at
   * `length` and advance it; null when `more` could pass the frames limit, and the decoder pushes piece by
   * piece instead (pushFrameRun checks the limit).
   */
  frameRoom(more: number): GrowableU32 | null {
    if (this.stackFrames.length + more > this.limits.maxFrames) return null;
    this.stackFrames.ensure(more);
    return this.stackFrames;
  }

  /**
   * Frames over all stacks: one inlined location of a thousand lines, named ten times by each of a million
   * samples, is a few bytes a sample and 10^10 frames; the stack-depth limit alone does not stop it.
   */
  private checkFrames(more: number): void {
    if (this.stackFrames.length + more > this.limits.maxFrames) {
      throw new LimitError(
        this.header.source,
        'decode',
        `more than ${this.limits.maxFrames} frames over all its stacks (after ${this.count} samples); raise ${LIMIT_FLAGS.maxFrames} if this profile is genuine`,
      );
    }
  }

  private checkSamples(): void {
    if (this.count >= this.limits.maxSamples) {
      throw new LimitError(
        this.header.source,
        'decode',
        `more than ${this.limits.maxSamples} samples; raise ${LIMIT_FLAGS.maxSamples} if this profile is genuine`,
      );
    }
  }

  private checkDepth(depth: number): void {
    if (depth > this.limits.maxStackDepth) {
      throw new LimitError(
        this.header.source,
        'decode',
        `a stack of ${depth} frames exceeds the limit of ${this.limits.maxStackDepth}; raise ${LIMIT_FLAGS.maxStackDepth} if this profile is genuine`,
      );
    }
  }

  /** Ends the sample whose frames were pushed since the last sample ended. */
  endSample(values: ArrayLike<number>, labels: Readonly<Record<string, string>> | null): void {
    this.checkSamples();
    const depth = this.stackFrames.length - this.stackStart.data[this.stackStart.length - 1];
    this.checkDepth(depth);
    this.stackStart.push(this.stackFrames.length);
    for (let i = 0; i < values.length; i++) this.values.push(values[i]);
    if (labels !== null) {
      this.labels ??= new Array<Readonly<Record<string, string>> | null>(this.count).fill(null);
      this.labels.push(labels);
    } else if (this.labels !== null) {
      this.labels.push(null);
    }
    this.count++;
  }

  get sampleCount(): number {
    return this.count;
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  truncated(reason: string, goroutinesRead: number): void {
    this.truncation = { reason, goroutinesRead };
  }

  build(): Snapshot {
    const h = this.header;
    if (this.goroutineInfo !== null && this.goroutineInfo.length !== this.count) {
      throw new Error('SnapshotBuilder: goroutine info given for some samples but not all');
    }
    return {
      source: h.source,
      form: h.form,
      kind: h.kind,
      sampleTypes: h.sampleTypes,
      defaultSampleType: h.defaultSampleType ?? -1,
      period: h.period ?? null,
      timeMs: h.timeMs ?? null,
      durationNanos: h.durationNanos ?? 0,
      frames: this.frames,
      sampleCount: this.count,
      // Views, not copies: the snapshot is the builder's last use of its columns (a copy of each was a
      // twentieth of decoding on the bench series, and garbage the size of the profile).
      stackStart: this.stackStart.view(),
      stackFrames: this.stackFrames.view(),
      values: this.values.view(),
      labels: this.labels,
      goroutineInfo: this.goroutineInfo,
      declaredTotal: h.declaredTotal ?? null,
      truncation: this.truncation,
      binary: h.binary ?? null,
      warnings: this.warnings,
      repairs: [],
      part: null,
    };
  }
}

/** Sample i's stack as frame indices, leaf first (a view, not a copy). */
export function stackOf(s: Snapshot, i: number): Uint32Array {
  return s.stackFrames.subarray(s.stackStart[i], s.stackStart[i + 1]);
}
