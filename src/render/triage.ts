// The single-snapshot report: what one goroutine dump and/or one heap profile say, answer first. A series
// report's sections that mean nothing for one snapshot (bounded sites, fit method, growth rates) are left
// out; what to capture next is always there, as commands to paste.

import { signatureTitle } from '../patterns/index.js';
import type { Analysis } from '../explain/index.js';
import { startedOnOf, type HeapHolder, type StartedOn, type Triage, type TriageGroup, type TriageReason, type TriageSuspect } from '../diagnose/triage.js';
import { FORMS } from '../forms.js';
import type { SeriesSet } from '../series/index.js';
import { formatBytes, formatCount } from '../units.js';
import { mdText } from './escape.js';
import { code, table } from './parts.js';

/** What one leaked object of each pattern is called, for "about 238 ClientConns are open". */
const OBJECT: Readonly<Record<string, readonly [string, string]>> = {
  'grpc-clientconn-unclosed': ['gRPC ClientConn', 'ClientConns'],
  'grpc-server-transports-held': ['server-side gRPC connection', 'server-side gRPC connections'],
  'http-response-body-unclosed': ['HTTP response body', 'HTTP response bodies'],
  'http-client-no-timeout': ['HTTP request', 'HTTP requests'],
  'http-server-conns-held': ['server connection', 'server connections'],
  'k8s-informer-unstopped': ['informer', 'informers'],
  'time-ticker-unstopped': ['ticker', 'tickers'],
  'context-cancel-uncalled': ['context', 'contexts'],
  'sql-rows-unclosed': ['sql.Rows', 'sql.Rows'],
};

/** Where to look, short, for the answer line (the pattern's own whereToLook follows in its section). */
const LOOK_FOR: Readonly<Record<string, string>> = {
  'grpc-clientconn-unclosed': 'look for `grpc.Dial`/`grpc.DialContext`/`grpc.NewClient` calls whose `Close` is missing',
  'http-response-body-unclosed': 'look for `resp.Body.Close()` missing after `http.Get`/`client.Do`',
  'time-ticker-unstopped': 'look for `time.NewTicker` without `Stop`',
  'context-cancel-uncalled': 'look for `context.WithCancel`/`WithTimeout` whose cancel is never called',
  'sql-rows-unclosed': 'look for `db.Query` without `rows.Close()`',
  'k8s-informer-unstopped': 'look for informer factories started without a stop channel that is ever closed',
};

const REASON: Readonly<Record<TriageReason, string>> = { 'long-wait': 'long wait', many: 'many', pattern: 'known pattern' };

const fn = (s: SeriesSet, frame: number): string => (frame < 0 ? '—' : code(s.frames[frame].rawFunction));

export function triageHeadline(a: Analysis, t: Triage): string {
  const top = t.suspects[0];
  const verdict = a.diagnosis.verdict === 'suspect' ? 'Suspect' : 'Inconclusive';
  if (top !== undefined && top.strong)
    return `${verdict}: ${top.signature.title}, about ${formatCount(top.objects)} ${objectNoun(top, top.objects)} open (one snapshot)`;
  const g = t.groups.find((x) => x.reasons.length > 0);
  if (g !== undefined)
    return `${verdict}: ${formatCount(g.count)} goroutines at ${fn(a.series, leafOf(a.series, g))}${g.waitMinutes > 0 ? `, waiting up to ${formatCount(g.waitMinutes)} minutes` : ''} (one snapshot)`;
  const h = t.heap[0];
  if (h !== undefined) return `${verdict}: one heap profile, ${formatBytes(t.heapInuseBytes ?? 0)} in use, most under ${fn(a.series, h.frame)}`;
  return `${verdict}: one snapshot, and nothing in it looks leaked`;
}

function objectNoun(s: TriageSuspect, n: number): string {
  const noun = OBJECT[s.signature.id];
  return noun === undefined ? (n === 1 ? 'instance' : 'instances') : noun[n === 1 ? 0 : 1];
}

/**
 * The frame a headline names a group by: the service's own nearest the leaf, else the library's (nats.go's
 * callback dispatcher rather than the `sync.runtime_notifyListWait` it parks in), else the leaf.
 */
function leafOf(s: SeriesSet, g: TriageGroup): number {
  const frames = s.stacks[g.stack].frames;
  return g.userFrame >= 0 ? g.userFrame : (frames.find((f) => s.frames[f].origin === 'library') ?? frames[0] ?? -1);
}

/** The answer, in a sentence or three, as data-driven words. */
export function triageAnswer(a: Analysis, t: Triage): string[] {
  const s = a.series;
  const out: string[] = [];
  for (const x of t.suspects.filter((y) => y.strong).slice(0, 3)) {
    const groups = x.groups.length;
    const each = x.lockstep
      ? `${formatCount(x.objects)} goroutines in each of the ${groups} groups a ${objectNoun(x, 1)} keeps`
      : `${formatCount(x.counts.reduce((p, c) => p + c, 0))} goroutines in ${groups} group${groups === 1 ? '' : 's'} of the ${x.signature.title} pattern`;
    let look = LOOK_FOR[x.signature.id] ?? (x.signature.whereToLook === undefined ? x.signature.fix : `look at ${x.signature.whereToLook}`);
    const own =
      x.userFrames.length === 0
        ? `The stacks end inside the library: the service's own frames are not in them.${startedSentence(s, x.startedOn, x.groups.length)}`
        : `The service's own frames in them: ${x.userFrames
            .slice(0, 3)
            .map((f) => fn(s, f))
            .join(', ')}.`;
    const creator = x.creator >= 0 ? ` Created by ${fn(s, x.creator)}.` : '';
    const wait = x.waitMinutes > 0 ? ` The oldest have waited ${formatCount(x.waitMinutes)} minute${x.waitMinutes === 1 ? '' : 's'}.` : '';
    const heap =
      x.heapBytes !== null && x.heapBytes > 0
        ? ` The heap profile holds ${formatBytes(x.heapBytes)} under this pattern's allocations (about ${formatBytes(x.heapBytes / Math.max(1, x.objects))} per ${objectNoun(x, 1)}).`
        : '';
    const peer =
      x.peerGroups.length === 0
        ? ''
        : ` The other end of the same connections is in this process too: ${x.peerGroups.length} server-side groups of ${formatCount(x.objects)} goroutines each, evidence of the same leak, not a second one.`;
    look = look.replace(/\.$/, '');
    out.push(
      `**${each}: about ${formatCount(x.objects)} ${objectNoun(x, x.objects)} ${x.objects === 1 ? 'is' : 'are'} open;** ${look}.${wait}${creator} ${own}${peer}${heap}`,
    );
  }
  if (out.length === 0) {
    const flagged = t.groups.filter((g) => g.reasons.length > 0);
    const generic = [...new Set(flagged.flatMap((g) => (g.signature === null ? [] : [signatureTitle(g.signature, g.signatureCase)])))];
    const why =
      generic.length === 0
        ? `no known pattern explains ${flagged.length === 1 ? 'it' : 'them'}`
        : `only a generic pattern fits (${generic.join('; ')}), which one snapshot cannot tell from a burst of work in flight`;
    const started = flagged.every((g) => g.userFrame < 0) ? startedSentence(s, startedOnOf(flagged), flagged.length) : '';
    if (flagged.length > 0)
      out.push(
        `${flagged.length} goroutine group${flagged.length === 1 ? '' : 's'} look${flagged.length === 1 ? 's' : ''} leaked (${[...new Set(flagged.flatMap((g) => g.reasons))].map((r) => REASON[r]).join(', ')}), but ${why}: see the table below.${started}`,
      );
    else if (t.goroutines !== null)
      out.push(
        `${formatCount(t.goroutines)} goroutines, none parked 10 minutes or more, no group far larger than the rest, no known leak pattern with 10 or more goroutines: nothing in this snapshot looks leaked.`,
      );
  }
  if (t.heap.length > 0) {
    const h = t.heap[0];
    out.push(
      `The heap profile has ${formatBytes(t.heapInuseBytes ?? 0)} in use; the most (${formatBytes(h.inuseBytes)}, ${Math.round(h.share * 100)}%) is held under ${fn(s, h.frame)}${h.entry >= 0 ? `, the service's caller of ${fn(s, h.entry)}` : ''}. One heap profile cannot tell a leak from a cache.`,
    );
  }
  return out;
}

/**
 * Where the service started goroutines whose stacks show none of its code: the live goroutines that created
 * them, by id, and what they run. A loop's call into the library may have returned, so the function that made
 * them is that frame or one it calls; '' when the dump names no such goroutine.
 */
function startedSentence(s: SeriesSet, on: readonly StartedOn[], of: number): string {
  if (on.length === 0) return '';
  const list = on
    .slice(0, 3)
    .map(
      (x) => `goroutine ${x.goroutine}, running ${fn(s, x.frame)}, started ${x.groups === of ? (of === 1 ? 'it' : 'all of them') : `${x.groups} of the ${of}`}`,
    );
  return ` The dump's \`created by … in goroutine N\` lines say where the service started them: ${list.join('; ')}. The function that made them is that one or one it calls (a loop's call into the library may have returned by now).`;
}

export function triageSections(a: Analysis, t: Triage): string[] {
  return [...groupsSection(a.series, t), ...patternSections(t), ...heapSection(a.series, t), ...nextSection(a, t)];
}

function groupsSection(s: SeriesSet, t: Triage): string[] {
  if (t.groups.length === 0) return [];
  const flagged = t.groups.some((g) => g.reasons.length > 0);
  const rows = t.groups.map((g) => [
    formatCount(g.count),
    g.state === null ? '—' : mdText(g.state),
    g.waitMinutes > 0 ? `${formatCount(g.waitMinutes)} min` : '—',
    fn(s, s.stacks[g.stack].frames[0] ?? -1),
    fn(s, g.creator),
    g.userFrame < 0 && g.startedOn !== null ? `— (started on goroutine ${g.startedOn.goroutine}, in ${fn(s, g.startedOn.frame)})` : fn(s, g.userFrame),
    g.signature === null ? '—' : code(g.signature),
    g.reasons.map((r) => REASON[r]).join(', ') || '—',
  ]);
  const title = flagged ? '## Goroutine groups that look leaked' : '## Largest goroutine groups';
  const key = `Why: a long wait (parked ${10}+ minutes), many (100+, or 10 times the median group), a known pattern. Counts come from ${formatCount(t.goroutines ?? 0)} goroutines in one snapshot.`;
  return [title, '', key, '', table(['goroutines', 'waiting in', 'longest wait', 'at', 'created by', 'service frame', 'pattern', 'why'], rows), ''];
}

function patternSections(t: Triage): string[] {
  const out: string[] = [];
  for (const x of t.suspects.filter((y) => y.strong).slice(0, 3)) {
    const sig = x.signature;
    out.push(`## The pattern: ${sig.title}`, '', sig.explanation, '', `**Fix:** ${sig.fix}`, '', '```go', sig.example, '```', '');
    if (sig.whereToLook !== undefined) out.push(`Where to look: ${sig.whereToLook}.`, '');
  }
  return out;
}

function heapSection(s: SeriesSet, t: Triage): string[] {
  if (t.heap.length === 0) return [];
  const how: Readonly<Record<HeapHolder['how'], string>> = {
    'entry-point-caller': 'calls a library entry point',
    'user-frame': "the service's own frame",
    'allocation-site': 'allocation site (no service frame in the stack)',
  };
  const rows = t.heap.map((h) => [fn(s, h.frame), how[h.how], h.entry >= 0 ? fn(s, h.entry) : '—', formatBytes(h.inuseBytes), `${Math.round(h.share * 100)}%`]);
  return [
    '## What holds the heap',
    '',
    `In use in the heap profile: ${formatBytes(t.heapInuseBytes ?? 0)}, by the service's own caller.`,
    '',
    table(['held under', 'how found', 'via', 'in use', 'share'], rows),
    '',
  ];
}

function nextSection(a: Analysis, t: Triage): string[] {
  const n = a.diagnosis.triage === null ? null : nextCapture(a, t);
  if (n === null) return [];
  const kinds = 'heap,goroutine';
  const every = `${n.everySeconds}s`;
  const loop = [
    `for i in $(seq 1 ${n.rounds}); do`,
    `  curl -s http://HOST:6060/debug/pprof/heap -o heap-$i.pb.gz`,
    `  curl -s 'http://HOST:6060/debug/pprof/goroutine${n.debug2 ? '?debug=2' : ''}' -o goroutine-$i.${n.debug2 ? 'txt' : 'pb.gz'}`,
    `  sleep ${n.everySeconds}`,
    'done',
    `leakdiff heap-*.pb.gz goroutine-*${n.debug2 ? ' --interval ' + every : ''}`,
  ];
  return [
    '## Capture next',
    '',
    `One snapshot shows what is there, not what grows. ${n.rounds} rounds ${every} apart show whether ${t.suspects[0]?.strong ? 'the count keeps climbing' : 'anything climbs'}, how fast, and which call site to fix:`,
    '',
    '```sh',
    `leakdiff collect http://HOST:6060 --every ${every} --count ${n.rounds} --kinds ${kinds}${n.debug2 ? ' --debug2' : ''} --analyze`,
    '```',
    '',
    'or, without leakdiff on the host:',
    '',
    '```sh',
    ...loop,
    '```',
    '',
  ];
}

/**
 * How to capture the series that settles it: both kinds, debug=2 dumps when the goroutine snapshot had no
 * wait times or creators, and rounds spaced so that a leak at the pace the waits imply adds a few objects
 * per round (the oldest of N objects waited M minutes: about N/M a minute), between 30 s and 10 minutes.
 */
export function nextCapture(a: Analysis, t: Triage): { rounds: number; everySeconds: number; debug2: boolean } {
  const dumps = a.series.inputs.some((i) => FORMS[i.form].perGoroutine);
  const top = t.suspects.find((x) => x.strong && x.waitMinutes > 0);
  const perMinute = top === undefined ? 0 : top.objects / top.waitMinutes;
  const every = perMinute > 0 ? Math.min(600, Math.max(30, Math.round(((5 / perMinute) * 60) / 30) * 30)) : 60;
  return { rounds: 6, everySeconds: every, debug2: !dumps || t.goroutines === null };
}

export function triageJson(a: Analysis, t: Triage): Record<string, unknown> {
  const s = a.series;
  const name = (f: number): string | null => (f < 0 ? null : s.frames[f].rawFunction);
  const group = (g: TriageGroup) => ({
    count: g.count,
    state: g.state,
    waitMinutes: g.waitMinutes,
    signature: g.signature,
    creator: name(g.creator),
    userFrame: name(g.userFrame),
    startedOn: g.startedOn === null ? null : { goroutine: g.startedOn.goroutine, function: name(g.startedOn.frame) },
    reasons: g.reasons,
    stack: s.stacks[g.stack].frames.map((f) => s.frames[f].function),
  });
  return {
    goroutines: t.goroutines,
    heapInuseBytes: t.heapInuseBytes,
    suspects: t.suspects.map((x) => ({
      signature: x.signature.id,
      title: x.signature.title,
      objects: x.objects,
      lockstep: x.lockstep,
      strong: x.strong,
      counts: x.counts,
      waitMinutes: x.waitMinutes,
      creator: name(x.creator),
      userFrames: x.userFrames.map(name),
      startedOn: x.startedOn.map((o) => ({ goroutine: o.goroutine, function: name(o.frame), groups: o.groups })),
      reasons: x.reasons,
      heapBytes: x.heapBytes,
      peerCounts: x.peerGroups.length,
      fix: x.signature.fix,
    })),
    groups: t.groups.map(group),
    heap: t.heap.map((h) => ({ heldUnder: name(h.frame), how: h.how, entry: name(h.entry), inuseBytes: h.inuseBytes, share: h.share, signature: h.signature })),
    captureNext: nextCapture(a, t),
  };
}
