// Groups the goroutines of a dump into samples. Two goroutines are one sample when they have the same state
// (wait reason), the same stack (function, file, line and inlining of every frame, leaf first), the same
// creator frame and the same thread lock; ids, argument words, +0x offsets and wait minutes are no part of it.
// The creator is part of the key because GoroutineGroupInfo names one creator per group; the lock because a
// goroutine locked to its thread also holds an OS thread, which is a different leak.

import { LimitError } from '../errors.js';
import { LIMIT_FLAGS } from '../limits.js';
import type { Frame, GoroutineGroupInfo } from '../model.js';
import type { SnapshotBuilder } from './builder.js';
import { detach } from './text-lines.js';

// 5 minutes      (one of the comma-separated parts inside a header's brackets: [chan receive, 5 minutes])
const WAIT_MINUTES = /^(\d+) minutes$/;

// locked to thread
const LOCKED = 'locked to thread';

// The runtime appends ` (scan)` to the state of a goroutine the GC is scanning at that moment.
const SCAN_SUFFIX = ' (scan)';

/** Example ids kept per group, for evidence only. */
const EXAMPLE_IDS = 5;

interface Group {
  readonly stack: readonly number[];
  readonly state: string;
  readonly locked: boolean;
  readonly creator: number;
  /** How many of the group's goroutines name each creator goroutine (`created by X in goroutine N`). */
  readonly creatorGoroutines: Map<number, number>;
  readonly ids: number[];
  count: number;
  minutesMin: number;
  minutesMax: number;
}

/** What the brackets of `goroutine 21 [chan receive, 5 minutes, locked to thread]:` say. */
export interface HeaderFacts {
  readonly state: string;
  readonly minutes: number;
  readonly locked: boolean;
  /** A hash of `state` (and `locked`), part of the group's: computed once per distinct header. */
  readonly hash: number;
}

/** Parts the runtime may add that are not listed here (Go 1.24's synctest bubble) are ignored. */
export function headerFacts(bracketed: string): HeaderFacts {
  const parts = bracketed.split(', ');
  let minutes = 0;
  let locked = false;
  for (let i = 1; i < parts.length; i++) {
    const m = WAIT_MINUTES.exec(parts[i]);
    if (m !== null) minutes = Number(m[1]);
    else if (parts[i] === LOCKED) locked = true;
  }
  const state = parts[0].endsWith(SCAN_SUFFIX) ? parts[0].slice(0, -SCAN_SUFFIX.length) : parts[0];
  let hash = locked ? 1 : 0;
  for (let i = 0; i < state.length; i++) hash = (Math.imul(hash, 31) + state.charCodeAt(i)) | 0;
  return { state, minutes, locked, hash };
}

export class GoroutineGroups {
  /** Goroutines grouped so far. */
  goroutines = 0;
  /** Groups by a hash of their key; each bucket holds the groups whose keys share it. */
  private readonly buckets = new Map<number, Group[]>();
  /** Every group, in the order first seen. */
  private readonly groups: Group[] = [];
  private readonly frames: number[] = [];
  private creatorFrame = -1;
  private creatorGoroutine = -1;

  constructor(
    private readonly maxStackDepth: number,
    private readonly source: string,
  ) {}

  /** Start collecting a new goroutine's frames. */
  begin(): void {
    this.frames.length = 0;
    this.creatorFrame = -1;
    this.creatorGoroutine = -1;
  }

  /** Append a frame (an index from the builder) to the goroutine's stack, leaf first. */
  frame(index: number): void {
    if (this.frames.length >= this.maxStackDepth) {
      throw new LimitError(
        this.source,
        'decode',
        `a goroutine's stack exceeds ${this.maxStackDepth} frames; raise ${LIMIT_FLAGS.maxStackDepth} if this dump is genuine`,
      );
    }
    this.frames.push(index);
  }

  creator(frame: number, creatorGoroutine: number): void {
    this.creatorFrame = frame;
    this.creatorGoroutine = creatorGoroutine;
  }

  /** File the collected goroutine into its group. `facts`: what its header says between [ and ] (headerFacts). */
  end(id: number, facts: HeaderFacts): void {
    const group = this.groupOf(facts);
    group.count++;
    if (this.creatorGoroutine >= 0) group.creatorGoroutines.set(this.creatorGoroutine, (group.creatorGoroutines.get(this.creatorGoroutine) ?? 0) + 1);
    if (group.ids.length < EXAMPLE_IDS) group.ids.push(id);
    if (facts.minutes < group.minutesMin) group.minutesMin = facts.minutes;
    if (facts.minutes > group.minutesMax) group.minutesMax = facts.minutes;
    this.goroutines++;
  }

  /** The group of the collected goroutine, created on first sight. */
  private groupOf(facts: HeaderFacts): Group {
    const frames = this.frames;
    // Every part of the key is hashed: with the state left out, a dump of goroutines that differ only in their
    // state put them all in one bucket, and each new one was compared with every group before it (quadratic).
    let hash = (Math.imul(this.creatorFrame, 0x9e3779b1) ^ facts.hash) | 0;
    for (let i = 0; i < frames.length; i++) hash = (Math.imul(hash, 31) + frames[i]) | 0;
    let bucket = this.buckets.get(hash);
    if (bucket === undefined) this.buckets.set(hash, (bucket = []));
    for (const g of bucket) {
      if (g.state === facts.state && g.locked === facts.locked && g.creator === this.creatorFrame && sameStack(g.stack, frames)) return g;
    }
    const group: Group = {
      stack: frames.slice(),
      state: detach(facts.state),
      locked: facts.locked,
      creator: this.creatorFrame,
      creatorGoroutines: new Map(),
      ids: [],
      count: 0,
      minutesMin: facts.minutes,
      minutesMax: facts.minutes,
    };
    bucket.push(group);
    this.groups.push(group);
    return group;
  }

  /** One sample per group, in the order each group was first seen. */
  addSamples(builder: SnapshotBuilder): void {
    for (const group of this.groups) {
      const creator: Frame | null = group.creator < 0 ? null : builder.frameAt(group.creator);
      const info: GoroutineGroupInfo = {
        state: group.state,
        waitMinutesMin: group.minutesMin,
        waitMinutesMax: group.minutesMax,
        lockedToThread: group.locked,
        creator,
        creatorGoroutine: mostNamed(group.creatorGoroutines),
        creatorGoroutines: group.creatorGoroutines,
        exampleIds: group.ids,
      };
      builder.addSample(group.stack, [group.count], { info });
    }
  }
}

/**
 * The id counted most often (the lowest on a tie, so output is stable), or -1: the creator goroutine most of a
 * group's goroutines name.
 * A group's goroutines can come from several creators (9 started by main's goroutine at start-up, 126 by a
 * refresh loop since); the one that started most of them is the one a leak grows from.
 */
export function mostNamed(counts: ReadonlyMap<number, number>): number {
  let best = -1;
  let most = 0;
  for (const [id, n] of counts) if (n > most || (n === most && id < best)) [best, most] = [id, n];
  return best;
}

function sameStack(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
