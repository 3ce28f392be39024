// Which snapshots make the series, in what order: split by kind, sorted by time, duplicates counted once,
// and one form kept where the same moment was captured in several (heap protobuf and heap text, or a
// goroutine dump beside its protobuf). Every decision the user did not ask for becomes a warning.

import { repairText } from '../decode/paste.js';
import { UnsupportedError } from '../errors.js';
import { FORMS, type Form } from '../forms.js';
import { formatTime } from '../units.js';
import type { SnapshotEntry, SnapshotInfo } from './entries.js';

export interface Arranged {
  readonly heap: SnapshotEntry[];
  readonly goroutine: SnapshotEntry[];
  /** Go 1.26's leaked-goroutine profiles: a series of their own, never merged into the goroutine counts. */
  readonly goroutineleak: SnapshotEntry[];
  readonly inputs: SnapshotInfo[];
  readonly warnings: string[];
}

/** Preferred form when one moment was captured in several (the reasons are in forms.ts). */
const PREFERENCE = formOrder('heapPreference');
const GOROUTINE_PREFERENCE = formOrder('goroutinePreference');

function formOrder(key: 'heapPreference' | 'goroutinePreference'): Readonly<Record<Form, number>> {
  return Object.fromEntries(Object.entries(FORMS).map(([f, facts]) => [f, facts[key]])) as Record<Form, number>;
}

/**
 * Two forms captured within this many ms of each other are taken as the same moment, or within half the
 * shortest spacing between snapshots of one form, when that is shorter.
 */
const SAME_MOMENT_MS = 10_000;

function sameMomentTolerance(sorted: readonly SnapshotEntry[]): number {
  let tol = SAME_MOMENT_MS;
  const lastByForm = new Map<Form, number>();
  for (const e of sorted) {
    const prev = lastByForm.get(e.normalized.meta.form);
    if (prev !== undefined) tol = Math.min(tol, (e.timeMs - prev) / 2);
    lastByForm.set(e.normalized.meta.form, e.timeMs);
  }
  return tol;
}

export function arrange(entries: readonly SnapshotEntry[]): Arranged {
  const warnings: string[] = [];
  const setAside = new Map<SnapshotEntry, string>();
  const twins = new Map<SnapshotEntry, SnapshotEntry>();
  refuseOtherKinds(entries);
  refuseTwoServices(entries);
  noteBackwards(entries, warnings);
  dropDuplicates(entries, setAside, warnings);
  const heap = pickForms(
    entries.filter((e) => e.normalized.meta.kind === 'heap' && !setAside.has(e)),
    PREFERENCE,
    setAside,
    twins,
  );
  const goroutine = pickForms(
    entries.filter((e) => e.normalized.meta.kind === 'goroutine' && !setAside.has(e)),
    GOROUTINE_PREFERENCE,
    setAside,
    twins,
  );
  const goroutineleak = pickForms(
    entries.filter((e) => e.normalized.meta.kind === 'goroutineleak' && !setAside.has(e)),
    GOROUTINE_PREFERENCE,
    setAside,
    twins,
  );
  checkUnits(heap);
  checkDistinctTimes(heap);
  checkDistinctTimes(goroutine);
  checkDistinctTimes(goroutineleak);
  noteBinaries([...heap, ...goroutine, ...goroutineleak], warnings);
  noteRepairs(entries, warnings);
  return { heap, goroutine, goroutineleak, inputs: entries.map((e) => info(e, setAside.get(e) ?? null, twins.get(e)?.path ?? null)), warnings };
}

/**
 * What the decoder repaired in pasted text, and dumps that were cut: the user reads the analysis of what
 * was left, so the report says what that was.
 */
function noteRepairs(entries: readonly SnapshotEntry[], warnings: string[]): void {
  for (const e of entries) {
    const m = e.normalized.meta;
    for (const r of m.repairs) warnings.push(`${e.path}: ${repairText(r)}`);
    if (m.truncation !== null) warnings.push(`${e.path}: cut short: ${m.truncation.reason}`);
  }
}

function refuseOtherKinds(entries: readonly SnapshotEntry[]): void {
  const other = entries.find((e) => e.normalized.meta.kind === 'other');
  if (other === undefined) return;
  const types = other.normalized.meta.sampleTypes.map((t) => t.type).join(', ');
  const what = /cpu|samples/.test(types) ? 'a CPU profile' : /contentions|delay/.test(types) ? 'a mutex or block profile' : `a profile of ${types}`;
  throw new UnsupportedError(
    other.path,
    'series',
    `this is ${what}; leakdiff needs heap or goroutine profiles (take them from /debug/pprof/heap and /debug/pprof/goroutine)`,
  );
}

/**
 * One series, one service: snapshots whose main packages name no common program (`orders` and `billing`)
 * come from two services, whose call sites and totals cannot be fitted as one. Refused rather than split:
 * which files belong to which service is for the user to say, by giving each service's files on their own.
 */
function refuseTwoServices(entries: readonly SnapshotEntry[]): void {
  const named = entries.filter((e) => e.normalized.programs.length > 0);
  for (const e of named) {
    const other = named.find((o) => !o.normalized.programs.some((p) => e.normalized.programs.includes(p)));
    if (other !== undefined) {
      throw new UnsupportedError(
        e.path,
        'series',
        `it comes from another program than ${other.path} (main package in ${e.normalized.programs.join(', ')}, against ${other.normalized.programs.join(', ')}); a series must come from one service: analyze each service's snapshots on their own`,
      );
    }
  }
}

function noteBackwards(entries: readonly SnapshotEntry[], warnings: string[]): void {
  for (const kind of ['heap', 'goroutine', 'goroutineleak']) {
    const list = entries.filter((e) => e.normalized.meta.kind === kind);
    const back = list.findIndex((e, i) => i > 0 && e.timeMs < list[i - 1].timeMs);
    if (back > 0)
      warnings.push(
        `${kind} snapshots were not given in time order (${list[back].path} is older than ${list[back - 1].path}); they are sorted by capture time`,
      );
  }
}

/**
 * The same snapshot given twice: the same profile (the same bytes once inflated, so a recompressed copy
 * too) at the same capture time, or with its own time (a protobuf's time_nanos names one moment). A shared
 * time_nanos alone is no duplicate: twenty different profiles that claim one moment are refused by
 * checkDistinctTimes, never counted once. Identical text at different times is no duplicate either: a
 * steady service writes the same debug=1 text minute after minute, and text carries no time of its own.
 */
function dropDuplicates(entries: readonly SnapshotEntry[], setAside: Map<SnapshotEntry, string>, warnings: string[]): void {
  const byHash = new Map<string, SnapshotEntry>();
  for (const e of entries) {
    const same = byHash.get(`${e.contentHash}/${e.timeMs}`) ?? (e.timeSource === 'profile' ? byHash.get(e.contentHash) : undefined);
    if (same !== undefined) {
      setAside.set(e, `the same snapshot as ${same.path}`);
      warnings.push(`${e.path} is the same snapshot as ${same.path}; counted once`);
      continue;
    }
    byHash.set(`${e.contentHash}/${e.timeMs}`, e);
    if (e.timeSource === 'profile') byHash.set(e.contentHash, e);
  }
}

/** Sorts by time and keeps one form per moment (see PREFERENCE). */
function pickForms(
  list: SnapshotEntry[],
  pref: Readonly<Record<Form, number>>,
  setAside: Map<SnapshotEntry, string>,
  twins: Map<SnapshotEntry, SnapshotEntry>,
): SnapshotEntry[] {
  const sorted = [...list].sort((a, b) => a.timeMs - b.timeMs || pref[a.normalized.meta.form] - pref[b.normalized.meta.form] || a.path.localeCompare(b.path));
  const kept: SnapshotEntry[] = [];
  const tol = sameMomentTolerance(sorted);
  for (const e of sorted) {
    const twin = kept.find((k) => k.normalized.meta.form !== e.normalized.meta.form && Math.abs(k.timeMs - e.timeMs) <= tol);
    if (twin === undefined) {
      kept.push(e);
      continue;
    }
    const better = pref[e.normalized.meta.form] < pref[twin.normalized.meta.form] ? e : twin;
    const worse = better === e ? twin : e;
    if (better === e) kept[kept.indexOf(twin)] = e;
    setAside.set(worse, `the same moment as ${better.path}, which is used instead`);
    twins.set(worse, better);
    for (const [e2, t2] of twins) if (t2 === worse) twins.set(e2, better);
  }
  // Each set-aside file says so in its input's `setAside` (the report's Inputs, the JSON's inputs): not a warning.
  return kept.sort((a, b) => a.timeMs - b.timeMs);
}

/** Heap snapshots must measure the same things in the same units to be compared. */
function checkUnits(heap: readonly SnapshotEntry[]): void {
  const unitsOf = (e: SnapshotEntry): string => e.normalized.meta.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(',');
  const first = heap[0];
  const odd = heap.find((e) => unitsOf(e) !== unitsOf(first));
  if (first !== undefined && odd !== undefined) {
    throw new UnsupportedError(
      odd.path,
      'series',
      `its sample types (${unitsOf(odd)}) differ from ${first.path}'s (${unitsOf(first)}); a series must measure the same things in the same units`,
    );
  }
}

function noteBinaries(used: readonly SnapshotEntry[], warnings: string[]): void {
  const binaries = [...new Set(used.map((e) => e.normalized.meta.binary).filter((b): b is string => b !== null))];
  if (binaries.length > 1) {
    warnings.push(
      `the snapshots come from ${binaries.length} different binaries (${binaries.slice(0, 3).join('; ')}); call sites are matched by normalized name, but a rebuild can move memory between them`,
    );
  }
}

function info(e: SnapshotEntry, setAside: string | null, sameMomentAs: string | null): SnapshotInfo {
  const m = e.normalized.meta;
  const totals: Record<string, number> = {};
  m.sampleTypes.forEach((t, k) => {
    totals[t.type] = e.normalized.totals[k];
  });
  return {
    path: e.path,
    form: m.form,
    kind: m.kind,
    compressed: e.compressed,
    timeMs: e.timeMs,
    timeSource: e.timeSource,
    totals,
    truncated: m.truncation,
    setAside,
    sameMomentAs,
    binary: m.binary,
  };
}

/** A fit needs distinct times: files without a time of their own often share one mtime (a fresh checkout). */
function checkDistinctTimes(list: readonly SnapshotEntry[]): void {
  for (let i = 1; i < list.length; i++) {
    if (list[i].timeMs === list[i - 1].timeMs && list[i].timeSource === 'profile' && list[i - 1].timeSource === 'profile') {
      throw new UnsupportedError(
        list[i].path,
        'series',
        `it is a different profile from ${list[i - 1].path} with the same time_nanos (${formatTime(list[i].timeMs)}); one process cannot be profiled twice at one moment, so the profiles' own times are wrong (rewritten by a tool?): give snapshots as the service wrote them`,
      );
    }
    if (list[i].timeMs === list[i - 1].timeMs) {
      throw new UnsupportedError(
        list[i].path,
        'series',
        `it has the same capture time as ${list[i - 1].path} (${formatTime(list[i].timeMs)}, from ${list[i].timeSource}); name the files with their capture times or give --interval (e.g. --interval 30s) to space them by the round numbers in their names`,
      );
    }
  }
}
