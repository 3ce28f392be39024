// Which Go versions could have written the series, from what the runtime leaves in the profiles: frames of
// packages and functions that exist only from (or only up to) some release, the `created by ... in goroutine N`
// form of dumps, GOROOT paths that carry a version, the goroutineleak profile. Typed data for the patterns
// whose meaning changed between releases (an unstopped time.Ticker leaks only before Go 1.23).

/** A Go 1.x release by its minor number: 23 is Go 1.23. */
export type GoMinor = number;

export type VersionClueKind =
  | 'swiss-maps'
  | 'internal-runtime'
  | 'runtime-internal'
  | 'created-in-goroutine'
  | 'created-without-goroutine'
  | 'gowrap-closure'
  | 'timers-1.23'
  | 'timers-before-1.23'
  | 'coroutines'
  | 'goroutineleak-profile'
  | 'leaked-wait-state'
  | 'goroot-path';

/** One piece of evidence: what it implies and one place it was seen. */
export interface VersionClue {
  readonly kind: VersionClueKind;
  /** Go 1.min or later; null when the clue sets no lower bound. */
  readonly min: GoMinor | null;
  /** Go 1.max or earlier; null when the clue sets no upper bound. */
  readonly max: GoMinor | null;
  /** A frame, file or state that shows it, as the profile spells it. */
  readonly example: string;
}

/** The range of Go versions the clues allow. */
export interface GoVersionRange {
  /** The latest lower bound (Go 1.min or later), or null when nothing bounds it from below. */
  readonly min: GoMinor | null;
  /** The earliest upper bound (Go 1.max or earlier), or null. */
  readonly max: GoMinor | null;
  /** True when the clues contradict each other (min > max): snapshots of several Go versions mixed. */
  readonly conflict: boolean;
  readonly clues: readonly VersionClue[];
}

/** Frame rules: a function-name prefix (or test) and what it implies. */
const FRAME_RULES: readonly {
  readonly kind: VersionClueKind;
  readonly test: (fn: string) => boolean;
  readonly min: GoMinor | null;
  readonly max: GoMinor | null;
}[] = [
  // Go 1.24 moved maps to Swiss tables in internal/runtime/maps.
  { kind: 'swiss-maps', test: (fn) => fn.startsWith('internal/runtime/maps.'), min: 24, max: null },
  // Go 1.23 moved runtime/internal/{atomic,syscall,...} to internal/runtime/.
  { kind: 'internal-runtime', test: (fn) => fn.startsWith('internal/runtime/'), min: 23, max: null },
  { kind: 'runtime-internal', test: (fn) => fn.startsWith('runtime/internal/'), min: null, max: 22 },
  // Go 1.22 names the closures of go and defer statements gowrapN and deferwrapN.
  { kind: 'gowrap-closure', test: (fn) => /\.(gowrap|deferwrap)\d+(\.|$)/.test(fn), min: 22, max: null },
  // Go 1.23 rewrote timers (runtime/time.go: type timers; runtimer and runOneTimer went).
  { kind: 'timers-1.23', test: (fn) => fn.startsWith('runtime.(*timers).') || fn.startsWith('runtime.(*timer).unlockAndRun'), min: 23, max: null },
  { kind: 'timers-before-1.23', test: (fn) => fn === 'runtime.runtimer' || fn === 'runtime.runOneTimer' || fn === 'runtime.checkTimers', min: null, max: 22 },
  // Go 1.23's iter.Pull runs on runtime coroutines.
  {
    kind: 'coroutines',
    test: (fn) => fn.startsWith('runtime.coroswitch') || fn.startsWith('runtime.corostart') || fn.startsWith('iter.Pull'),
    min: 23,
    max: null,
  },
];

/**
 * A GOROOT that names its release: Debian's `/usr/lib/go-1.19/src/`, `/usr/local/go1.22.3/src/`, the
 * module-fetched toolchain `golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/`, GitHub's
 * `/opt/hostedtoolcache/go/1.21.0/x64/src/`.
 */
const GOROOT_VERSION = /(?:\/go-?|toolchain@v0\.0\.1-go|\/go\/)1\.(\d+)(?:\.\d+)?[^/]*\/(?:x64\/)?src\//;

/** The clues in one frame (function as the profile spells it, its file), at most one per rule. */
export function frameClues(fn: string, file: string): VersionClue[] {
  const out: VersionClue[] = [];
  for (const r of FRAME_RULES) if (r.test(fn)) out.push({ kind: r.kind, min: r.min, max: r.max, example: fn });
  const m = GOROOT_VERSION.exec(file);
  if (m !== null) out.push({ kind: 'goroot-path', min: Number(m[1]), max: Number(m[1]), example: file });
  return out;
}

/** Clues a goroutine dump's groups give: Go 1.21 added `in goroutine N` to every `created by` line. */
export function creatorClue(creatorFunction: string, creatorGoroutine: number): VersionClue {
  return creatorGoroutine >= 0
    ? { kind: 'created-in-goroutine', min: 21, max: null, example: `created by ${creatorFunction} in goroutine ${creatorGoroutine}` }
    : { kind: 'created-without-goroutine', min: null, max: 20, example: `created by ${creatorFunction}` };
}

/** Go 1.26's goroutine leak detector: its own profile, and `(leaked)` in the wait state of a dump. */
export const GOROUTINELEAK_CLUE = (example: string): VersionClue => ({ kind: 'goroutineleak-profile', min: 26, max: null, example });
export const LEAKED_STATE_CLUE = (state: string): VersionClue => ({ kind: 'leaked-wait-state', min: 26, max: null, example: state });

/** Collects clues, one per kind (the first example seen), and folds them into a range. */
export class VersionClues {
  private readonly byKind = new Map<VersionClueKind, VersionClue>();

  add(clue: VersionClue): void {
    const seen = this.byKind.get(clue.kind);
    if (seen === undefined) this.byKind.set(clue.kind, clue);
    // GOROOTs of two releases in one series: one clue spanning both, whose bounds cross (a conflict).
    else if (clue.kind === 'goroot-path' && (clue.min !== seen.min || clue.max !== seen.max) && !seen.example.includes(clue.example))
      this.byKind.set(clue.kind, widen(seen, clue));
  }

  has(kind: VersionClueKind): boolean {
    return this.byKind.has(kind);
  }

  range(): GoVersionRange {
    const clues = [...this.byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
    const mins = clues.map((c) => c.min).filter((v): v is number => v !== null);
    const maxs = clues.map((c) => c.max).filter((v): v is number => v !== null);
    const min = mins.length === 0 ? null : Math.max(...mins);
    const max = maxs.length === 0 ? null : Math.min(...maxs);
    return { min, max, conflict: min !== null && max !== null && min > max, clues };
  }
}

/** Two GOROOT releases in one series: the clue spans both, so the range shows the conflict. */
function widen(a: VersionClue, b: VersionClue): VersionClue {
  return { ...a, min: Math.max(a.min ?? 0, b.min ?? 0), max: Math.min(a.max ?? Infinity, b.max ?? Infinity), example: `${a.example}; ${b.example}` };
}

/** Whether every Go version the range allows is before Go 1.minor: true, false, or null when it could be either. */
export function goBefore(r: GoVersionRange, minor: GoMinor): boolean | null {
  if (r.conflict) return null;
  if (r.max !== null && r.max < minor) return true;
  if (r.min !== null && r.min >= minor) return false;
  return null;
}
