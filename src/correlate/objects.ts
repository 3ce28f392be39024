// Goroutine groups read as the objects that keep them. One leaked object (an informer, a ClientConn, a
// server connection) keeps a fixed number of goroutines in each of several groups, so their counts move in
// a fixed ratio at every snapshot: 19, 25, 32, 37 in each of an informer's six groups. That, with a library
// in common (or a group with no owner of its own, only the standard library's frames), makes them one unit.
// The same reading clears what is not a leak: goroutines of a bounded pool that moved from one stack to
// another (a worker now waiting on a response, a server connection now running its handler) are not new
// goroutines, and a group that keeps a fixed ratio with them is bounded with them.

import { fitSeries } from '../fit/index.js';
import { moduleOf, packageOf, projectOf } from '../normalize/names.js';
import { metricOf, row, type SeriesSet } from '../series/index.js';

/** The goroutine groups of one unit and their summed count (what correlate.ts calls a GoroutineUnit). */
export interface Groups {
  readonly key: string;
  readonly groups: readonly number[];
  readonly values: Float64Array;
}

/** Goroutines one object keeps in a group, at most: per-object ratios are p/q with p, q up to this. */
export const MAX_PER_OBJECT = 8;
/** Two counts in a fixed ratio may be off by this many goroutines at a snapshot (one object caught starting)... */
export const RATIO_SLACK = 2;
/** ...or by this share of the expected count, whichever is more. */
export const RATIO_SLACK_SHARE = 0.03;
/**
 * The increments compared must be this many times the slack: counts that barely moved fit any ratio.
 * Two independent leaks of the same average rate drift apart by about √(2·count), far beyond the slack
 * once the counts are this large.
 */
export const RATIO_MIN_GROWTH_OVER_SLACK = 4;

/**
 * The ratio b keeps to a (b's growth per unit of a's growth, a small fraction p/q) at every snapshot, or
 * null. Increments from the first snapshot are compared, so groups that started at different levels (a few
 * informers from before the window) still compare.
 */
export function fixedRatio(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = a.length;
  if (n < 3 || b.length !== n) return null;
  const da = a[n - 1] - a[0];
  const db = b[n - 1] - b[0];
  if (!(da > 0) || !(db > 0) || Math.min(da, db) < RATIO_MIN_GROWTH_OVER_SLACK * RATIO_SLACK) return null;
  // The ratio through the origin of the increments, least squares: every snapshot, not the last alone.
  let sxy = 0;
  let sxx = 0;
  for (let i = 1; i < n; i++) {
    sxy += (a[i] - a[0]) * (b[i] - b[0]);
    sxx += (a[i] - a[0]) ** 2;
  }
  const k = smallFraction(sxy / sxx);
  if (k === null) return null;
  for (let i = 1; i < n; i++) {
    const expected = k * (a[i] - a[0]);
    if (Math.abs(b[i] - b[0] - expected) > Math.max(RATIO_SLACK, RATIO_SLACK_SHARE * Math.abs(expected))) return null;
  }
  return k;
}

/** The fraction p/q (p, q ≤ MAX_PER_OBJECT) within 10% of x, the simplest first; null when none is. */
function smallFraction(x: number): number | null {
  for (let q = 1; q <= MAX_PER_OBJECT; q++) {
    const p = Math.round(x * q);
    if (p >= 1 && p <= MAX_PER_OBJECT && Math.abs(p / q - x) <= 0.1 * x) return p / q;
  }
  return null;
}

export interface Owners {
  /** Third-party modules of the frames. */
  readonly libraries: ReadonlySet<string>;
  /** The projects those modules belong to (projectOf): a client module and a server module of one project. */
  readonly projects: ReadonlySet<string>;
  /** The service's own functions on the stacks. */
  readonly user: ReadonlySet<string>;
  /** Whether a frame of no known owner is on them. */
  readonly unknown: boolean;
}

/** Whose code the stacks run: their third-party modules and projects, and the service's functions. */
export function ownersOf(series: SeriesSet, groups: readonly number[]): Owners {
  const libraries = new Set<string>();
  const user = new Set<string>();
  let unknown = false;
  for (const id of groups) {
    for (const f of series.stacks[id].frames) {
      const fr = series.frames[f];
      if (fr.runtime) continue;
      if (fr.origin === 'user') user.add(fr.function);
      else if (fr.origin === 'library') libraries.add(moduleOf(packageOf(fr.function)));
      else if (fr.origin === 'unknown') unknown = true;
    }
  }
  return { libraries, projects: new Set([...libraries].map(projectOf)), user, unknown };
}

/** A listener's Accept: a live goroutine parked in it under a library's code is that library's accept loop. */
const ACCEPT = /^net\.\(\*(?:TCP|Unix)Listener\)\.Accept$/;

/** Per series set: the library modules that run an accept loop on a live goroutine (computed once). */
const accepting = new WeakMap<SeriesSet, ReadonlySet<string>>();

/**
 * The third-party modules running a listener's Accept on a goroutine present in some snapshot (nats-server's
 * acceptConnections, miniredis's serve): in-process servers, whose per-connection goroutines are the other end
 * of whatever connections the process opened to them.
 */
export function acceptingModules(series: SeriesSet): ReadonlySet<string> {
  const known = accepting.get(series);
  if (known !== undefined) return known;
  const out = new Set<string>();
  const m = metricOf(series.goroutine, 'goroutine');
  for (let id = 0; m !== null && id < m.byStack.rows; id++) {
    if (!row(m.byStack, id).some((v) => v > 0)) continue;
    const frames = series.stacks[id].frames;
    const at = frames.findIndex((f) => ACCEPT.test(series.frames[f].function));
    if (at < 0) continue;
    const lib = frames.slice(at + 1).find((f) => series.frames[f].origin === 'library');
    if (lib !== undefined) out.add(moduleOf(packageOf(series.frames[lib].function)));
  }
  accepting.set(series, out);
  return out;
}

/** A closure's enclosing function (`(*Exporter).Export.func` is `(*Exporter).Export`): the goroutines it ran on were started there. */
export function enclosing(fn: string): string {
  return fn.replace(/(\.func)+$/, '');
}

/** A closure, as normalize names it (`(*Manager).Reload.func1` becomes `(*Manager).Reload.func`). */
const CLOSURE = /\.func$/;

/**
 * The service's functions whose closures the given library modules call, on any stack of the series (heap,
 * allocated since start or in use, or goroutine): cron's FuncJob.Run calling `(*Manager).Reload.func`, the job
 * Reload added. Such a function handed the library work to run: it made or configured the library's objects.
 * Only a function something of the service's own calls, never a goroutine's own start (main.main), whose
 * closures are everything the program wires up at start.
 */
export function callbackOwners(series: SeriesSet, modules: ReadonlySet<string>): ReadonlySet<string> {
  const out = new Set<string>();
  if (modules.size === 0) return out;
  const closures = new Set<number>();
  for (const f of series.frames) if (f.origin === 'user' && !f.runtime && CLOSURE.test(f.function)) closures.add(f.id);
  if (closures.size === 0) return out;
  const roots = new Set<string>();
  for (const stack of series.stacks) {
    const frames = stack.frames;
    // The goroutine's start: its rootmost frame that is not the runtime's (main.main under runtime.main).
    let r = frames.length - 1;
    while (r > 0 && series.frames[frames[r]].runtime) r--;
    if (r >= 0) roots.add(series.frames[frames[r]].function);
    for (let j = 0; j + 1 < frames.length; j++) {
      if (!closures.has(frames[j])) continue;
      const caller = series.frames[frames[j + 1]];
      if (caller.origin === 'library' && modules.has(moduleOf(packageOf(caller.function)))) out.add(enclosing(series.frames[frames[j]].function));
    }
  }
  for (const fn of roots) out.delete(fn);
  return out;
}

const intersects = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => [...a].some((x) => b.has(x));

/**
 * Two units may be one object's only when their code says so: a library in common, two modules of one project
 * with none of the service's code on either (nats.go's client connection and nats-server's end of it, over
 * loopback), or one of them owned by nobody (only the standard library's frames: context's watcher goroutine,
 * a connection's read loop) beside a library's unit. Two units running different code of the service's own are
 * two leaks, whatever their counts.
 */
function sameOwner(a: Owners, b: Owners): boolean {
  if (a.user.size > 0 && b.user.size > 0 && !intersects(a.user, b.user)) return false;
  const orphan = (o: Owners): boolean => o.libraries.size === 0 && o.user.size === 0;
  const oneProject = libraryOnly(a) && libraryOnly(b) && intersects(a.projects, b.projects);
  return intersects(a.libraries, b.libraries) || oneProject || (orphan(a) && b.libraries.size > 0) || (orphan(b) && a.libraries.size > 0);
}

/** A unit of a library's code with none of the service's on its stacks, or of the service's with no library's. */
const libraryOnly = (o: Owners): boolean => o.libraries.size > 0 && o.user.size === 0;
const ownOnly = (o: Owners): boolean => o.user.size > 0 && o.libraries.size === 0;

/**
 * A library's goroutines that name no caller (fsnotify's reader of a Watcher, started inside NewWatcher) are
 * started on behalf of some code of the service's own; when exactly one unit of the service's own code, with
 * no library on its stacks, keeps a fixed ratio to them, and they are the only library unit keeping one to
 * it, that unit is theirs: one leaked object (a Watcher and the goroutine reading its events). Two or more
 * candidates either way is ambiguous and joins none: the fixed ratio alone does not say which.
 */
function soleOwnPartner(owners: readonly Owners[], values: readonly ArrayLike<number>[], i: number, j: number): boolean {
  const [lib, own] = libraryOnly(owners[i]) && ownOnly(owners[j]) ? [i, j] : libraryOnly(owners[j]) && ownOnly(owners[i]) ? [j, i] : [-1, -1];
  if (lib < 0) return false;
  const partners = (of: number, is: (o: Owners) => boolean): number =>
    owners.reduce((n, o, k) => (k !== of && is(o) && fixedRatio(values[of], values[k]) !== null ? n + 1 : n), 0);
  return partners(lib, ownOnly) === 1 && partners(own, libraryOnly) === 1;
}

/**
 * Units (largest first) that keep a fixed ratio to a larger unit with the same owner join it: one leaked
 * object, one unit. The larger unit's key stays.
 */
export function joinFixedRatio<U extends Groups>(
  series: SeriesSet,
  units: readonly U[],
  make: (key: string, groups: number[], values: Float64Array) => U,
): U[] {
  const out = [...units];
  // Who owns each unit as it came, for the sole-partner test: a join does not make new candidates.
  const owners = units.map((u) => ownersOf(series, u.groups));
  const values = units.map((u) => u.values);
  const home = out.map((_, k) => k);
  for (let i = 0; i < out.length; i++) {
    for (let j = out.length - 1; j > i; j--) {
      const a = out[i];
      const b = out[j];
      if (fixedRatio(a.values, b.values) === null) continue;
      const joined = sameOwner(ownersOf(series, a.groups), ownersOf(series, b.groups)) || soleOwnPartner(owners, values, home[i], home[j]);
      if (!joined) continue;
      out[i] = make(
        a.key,
        [...a.groups, ...b.groups],
        Float64Array.from(a.values, (v, k) => v + b.values[k]),
      );
      out.splice(j, 1);
      home.splice(j, 1);
    }
  }
  return out;
}

/** The frame a goroutine of this stack started in (its outermost frame), or -1. */
function rootOf(series: SeriesSet, stackId: number): number {
  const s = series.stacks[stackId];
  return s.frames[s.frames.length - 1] ?? s.runtimeTop[s.runtimeTop.length - 1] ?? -1;
}

/**
 * Goroutines of one start function in every stack they were seen in, per snapshot: a worker waiting on a
 * response and the same worker sleeping between requests are two stacks of one goroutine.
 */
function startTotals(series: SeriesSet): Map<number, { values: Float64Array; stacks: number }> {
  const m = metricOf(series.goroutine, 'goroutine');
  const out = new Map<number, { values: Float64Array; stacks: number }>();
  if (m === null) return out;
  const rows = m.byStack.rows;
  for (let id = 0; id < rows; id++) {
    const root = rootOf(series, id);
    if (root < 0) continue;
    const v = row(m.byStack, id);
    if (!v.some((x) => x > 0)) continue;
    const t = out.get(root) ?? { values: new Float64Array(m.byStack.n), stacks: 0 };
    v.forEach((x, j) => (t.values[j] += x));
    out.set(root, { values: t.values, stacks: t.stacks + 1 });
  }
  return out;
}

/**
 * Groups whose growth is goroutines moving between stacks, not new goroutines: the goroutines of their start
 * function, in all their stacks together, did not grow (a worker pool that warmed up and holds, whose
 * workers are now more often waiting on the backend). Leaked goroutines are new goroutines: they add to
 * their start function's count.
 */
export function movedGroups(series: SeriesSet, groups: readonly number[]): Set<number> {
  const g = series.goroutine;
  const out = new Set<number>();
  if (g === null || g.times.length < 3) return out;
  const totals = startTotals(series);
  for (const id of groups) {
    const t = totals.get(rootOf(series, id));
    if (t === undefined || t.stacks < 2) continue;
    const shape = fitSeries({ times: g.times, values: t.values }).shape;
    if (shape !== 'growing' && shape !== 'unknown') out.add(id);
  }
  return out;
}

/**
 * A unit with a group of moved goroutines is bounded when its other groups keep a fixed ratio to it: each
 * of its objects is one of those goroutines in that state (a server connection running a handler, with its
 * background read), and they are bounded. Otherwise only the moved groups leave it. Returns the groups that
 * still count, possibly none.
 */
export function withoutMoved(series: SeriesSet, unit: Groups, moved: ReadonlySet<number>): number[] {
  const m = metricOf(series.goroutine, 'goroutine');
  if (m === null || !unit.groups.some((id) => moved.has(id))) return [...unit.groups];
  const values = (id: number): Float64Array => row(m.byStack, id);
  const still = unit.groups.filter((id) => !moved.has(id));
  const tied = still.every((id) => unit.groups.some((base) => moved.has(base) && fixedRatio(values(base), values(id)) !== null));
  return tied ? [] : still;
}
