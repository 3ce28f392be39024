// Each call site's lines where it was first seen, kept apart from the call site's identity (its frames by
// function): the lines of the evidence stacks and of the culprit's call, read by explain and render.

import type { Snapshot } from '../model.js';

/** What of a call site (normalize's SiteStack) its lines are read by. */
interface CallSite {
  readonly id: number;
  readonly runtimeTop: readonly number[];
  readonly frames: readonly number[];
}

/**
 * Each call site's lines at its first occurrence: where each function is in that stack, which a frame's own
 * `line` (its first occurrence in any stack) is not. Runtime top then call site, end to end in one buffer of
 * 16-bit lines (two arrays per call site, 8 bytes a line and a header each, were several times that on the
 * bench series' 55,000 call sites of about 18 frames).
 */
export class StackLines {
  // Lines fit 16 bits in all but generated code; a longer one is kept aside, its slot marking it.
  private pool = new Uint16Array(1 << 16);
  private used = 0;
  private readonly long = new Map<number, number>();
  /** Per stack id, where its lines start; stacks are added in id order. */
  private readonly start: number[] = [];

  /** Adds the next call site's lines from the snapshot stack it was first seen in (its runtime top and call site). */
  add(s: Snapshot, siteOf: Int32Array, start: number, end: number): void {
    this.start.push(this.used);
    if (this.used + (end - start) > this.pool.length) {
      const grown = new Uint16Array(Math.max(Math.ceil(1.5 * this.pool.length), this.used + (end - start)));
      grown.set(this.pool.subarray(0, this.used));
      this.pool = grown;
    }
    for (let j = start; j < end; j++) {
      const f = s.stackFrames[j];
      if (siteOf[f] < 0) continue;
      const line = s.frames[f].line;
      if (line >= LONG_LINE) this.long.set(this.used, line);
      this.pool[this.used++] = Math.min(line, LONG_LINE);
    }
  }

  /** A call site's lines: `top` parallel to its runtimeTop, `site` to its frames. */
  of(stack: CallSite): { readonly top: number[]; readonly site: number[] } {
    const from = this.start[stack.id] ?? 0;
    const mid = from + stack.runtimeTop.length;
    const line = (k: number): number => (this.pool[k] === LONG_LINE ? (this.long.get(k) ?? LONG_LINE) : this.pool[k]);
    const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => line(a + i));
    return { top: range(from, mid), site: range(mid, mid + stack.frames.length) };
  }
}

const LONG_LINE = 0xffff;
