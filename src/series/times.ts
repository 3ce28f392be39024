// When each snapshot was captured, from the evidence the whole set of files gives, never made up: a
// protobuf's own time_nanos; for a text form (which carries no time), the protobuf captured in the same
// round (same stamp or round number in the name); with --interval, the files' rounds spaced by it; a
// capture stamp in the name; and only then the file's modification time, which is refused where it cannot
// be a capture time (far outside the profiles' own window, equal for a whole series, or against the rounds).

import { UnsupportedError } from '../errors.js';
import type { Form } from '../forms.js';
import type { Kind, TimeSource } from '../model.js';
import { isStdin } from '../read.js';
import { formatDuration, formatTime } from '../units.js';

/** What one decoded file says about its time. */
export interface TimeClaim {
  readonly path: string;
  readonly kind: Kind;
  readonly form: Form;
  /** The content's own capture time (pprof time_nanos), or null. */
  readonly profileMs: number | null;
  readonly nameTimeMs: number | null;
  readonly mtimeMs: number;
  readonly round: number | null;
}

export interface AssignedTime {
  readonly timeMs: number;
  readonly source: TimeSource;
  /** For source `paired`: the protobuf whose time it took. */
  readonly pairedWith: string | null;
}

/** Protobufs of one round taken within this of each other are one moment (Go writes them one after another). */
const ROUND_SPREAD_MS = 10_000;
/** Snapshots of one kind and form less than this apart by modification time were written, not captured, so. */
const MIN_CAPTURE_GAP_MS = 1_000;
/** How far outside the profiles' own window a modification time may fall: the window itself, at least this. */
const MTIME_SLACK_MS = 60_000;

export function assignTimes(claims: readonly TimeClaim[], intervalSeconds: number | null): AssignedTime[] {
  const out = claims.map((c) => ownOrPaired(c, claims) ?? null);
  if (intervalSeconds !== null) spaceByRound(claims, out, intervalSeconds);
  const assigned = claims.map(
    (c, i): AssignedTime =>
      out[i] ??
      (c.nameTimeMs !== null
        ? { timeMs: c.nameTimeMs, source: 'file-name', pairedWith: null }
        : { timeMs: c.mtimeMs, source: isStdin(c.path) ? 'read' : 'mtime', pairedWith: null }),
  );
  checkModificationTimes(claims, assigned);
  return assigned;
}

function ownOrPaired(c: TimeClaim, all: readonly TimeClaim[]): AssignedTime | null {
  if (c.profileMs !== null) return { timeMs: c.profileMs, source: 'profile', pairedWith: null };
  const mates = all.filter((o) => o.profileMs !== null && sameRound(c, o));
  const sameKind = mates.filter((o) => o.kind === c.kind);
  const pick = sameKind.length > 0 ? sameKind : mates;
  if (pick.length === 0) return null;
  const times = pick.map((o) => o.profileMs as number);
  // Several protobufs of "one round" far apart: the names do not identify a moment, so no pairing.
  if (Math.max(...times) - Math.min(...times) > ROUND_SPREAD_MS) return null;
  const first = pick.reduce((a, b) => ((a.profileMs as number) <= (b.profileMs as number) ? a : b));
  return { timeMs: first.profileMs as number, source: 'paired', pairedWith: first.path };
}

/**
 * Same round: the same capture stamp in both names; where either has none, the same round number; where
 * neither has one, the same name but for the form's extensions (`goroutine.pb.gz`, `goroutine.debug2.txt`).
 */
function sameRound(a: TimeClaim, b: TimeClaim): boolean {
  if (a.nameTimeMs !== null && b.nameTimeMs !== null) return a.nameTimeMs === b.nameTimeMs;
  if (a.round !== null || b.round !== null) return a.round === b.round;
  return stem(a.path) === stem(b.path);
}

/** Extensions that name a form or a compression, not a capture. */
const FORM_EXTENSION = /\.(gz|pb|pprof|prof|proto|txt|text|out|debug=?[12])$/i;

function stem(path: string): string {
  let name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  for (let prev = ''; prev !== name;) {
    prev = name;
    name = name.replace(FORM_EXTENSION, '');
  }
  return `${path.slice(0, path.length - path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).length)}${name}`;
}

/**
 * --interval: the files still without a time are spaced by it in the order of their rounds (numerically:
 * heap-2 before heap-10, whatever order the shell gave), one time per round, so a round's forms are one
 * moment; a file without a round number counts as the next round of its kind and form in name order.
 * The first round is at the earliest modification time among them.
 */
function spaceByRound(claims: readonly TimeClaim[], out: (AssignedTime | null)[], intervalSeconds: number): void {
  const open = claims.map((c, i) => ({ c, i })).filter(({ i }) => out[i] === null);
  if (open.length === 0) return;
  const keyOf = new Map<number, number>();
  const byGroup = new Map<string, { c: TimeClaim; i: number }[]>();
  for (const o of open) {
    if (o.c.round !== null) keyOf.set(o.i, o.c.round);
    else byGroup.set(`${o.c.kind}/${o.c.form}`, [...(byGroup.get(`${o.c.kind}/${o.c.form}`) ?? []), o]);
  }
  for (const group of byGroup.values()) group.sort((a, b) => naturalCompare(a.c.path, b.c.path)).forEach((o, k) => keyOf.set(o.i, k));
  const rounds = [...new Set(keyOf.values())].sort((a, b) => a - b);
  const start = Math.round(Math.min(...open.map((o) => o.c.mtimeMs)));
  for (const o of open) out[o.i] = { timeMs: start + rounds.indexOf(keyOf.get(o.i) as number) * intervalSeconds * 1000, source: 'interval', pairedWith: null };
}

/** `heap-2` before `heap-10`: digit runs compare as numbers. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/**
 * A modification time is a capture time only if nothing contradicts it: it must fall near the window the
 * profiles' own times span, differ between snapshots of one kind and form by more than a file copy takes,
 * and keep the order of the rounds the names give.
 */
function checkModificationTimes(claims: readonly TimeClaim[], assigned: readonly AssignedTime[]): void {
  const byMtime = claims.map((c, i) => ({ c, t: assigned[i] })).filter(({ t }) => t.source === 'mtime');
  if (byMtime.length === 0) return;
  const own = claims.map((c, i) => ({ c, t: assigned[i] })).filter(({ t }) => t.source === 'profile' || t.source === 'file-name');
  if (own.length > 0) {
    const lo = Math.min(...own.map((o) => o.t.timeMs));
    const hi = Math.max(...own.map((o) => o.t.timeMs));
    const slack = Math.max(MTIME_SLACK_MS, hi - lo);
    const far = byMtime.find(({ t }) => t.timeMs < lo - slack || t.timeMs > hi + slack);
    if (far !== undefined) {
      const off = far.t.timeMs > hi ? `${formatDuration((far.t.timeMs - hi) / 1000)} after` : `${formatDuration((lo - far.t.timeMs) / 1000)} before`;
      throw new UnsupportedError(
        far.c.path,
        'series',
        `it carries no capture time, and its modification time (${formatTime(far.t.timeMs)}) is ${off} the window the other files' own times span (${formatTime(lo)} to ${formatTime(hi)}, e.g. ${own[0].c.path}): the file was copied or written later; name the files by round (heap-01.txt beside heap-01.pb.gz) or give --interval`,
      );
    }
  }
  const groups = new Map<string, { c: TimeClaim; t: AssignedTime }[]>();
  for (const x of byMtime) groups.set(`${x.c.kind}/${x.c.form}`, [...(groups.get(`${x.c.kind}/${x.c.form}`) ?? []), x]);
  for (const list of groups.values()) {
    const sorted = [...list].sort((a, b) => a.t.timeMs - b.t.timeMs);
    for (let k = 1; k < sorted.length; k++) {
      const gap = sorted[k].t.timeMs - sorted[k - 1].t.timeMs;
      if (gap < MIN_CAPTURE_GAP_MS) {
        throw new UnsupportedError(
          sorted[k].c.path,
          'series',
          `it carries no capture time, and its modification time is ${Math.round(gap)} ms from ${sorted[k - 1].c.path}'s: modification times say when files were written or copied, not when they were captured; give --interval (e.g. --interval 30s) to space them by the round numbers in their names`,
        );
      }
    }
    const rounds = sorted.map((x) => x.c.round);
    if (rounds.every((r) => r !== null)) {
      const back = rounds.findIndex((r, k) => k > 0 && (r as number) < (rounds[k - 1] as number));
      if (back > 0) {
        throw new UnsupportedError(
          sorted[back].c.path,
          'series',
          `it carries no capture time, and its modification time puts it after ${sorted[back - 1].c.path}, while the round numbers in their names say the opposite: modification times are not capture times here; give --interval to space the files by their rounds`,
        );
      }
    }
  }
}
