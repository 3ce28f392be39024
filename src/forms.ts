// The forms Go writes a profile in, listed once. What differs between them (their names, which kind they
// always are, which one a series prefers when a moment was captured in several, whether they carry one stack
// per goroutine, whether `go tool pprof` reads them) is a fact in this table, and every stage reads it here:
// the table is a Record over `Form`, so a new form is a compile error until each of its facts is given.

/** The form a snapshot was written in, sniffed from content (never from the file name). */
export type Form = 'pprof' | 'heap-text' | 'goroutine-text' | 'goroutine-dump';

export interface FormFacts {
  /** How `leakdiff inspect` names the form. */
  readonly title: string;
  /** How the report's inputs table names it. */
  readonly short: string;
  /** The /debug/pprof request that writes a text form (its sniffer's name); null for protobuf, which any profile can be. */
  readonly endpoint: string | null;
  /** The kind every file of the form is; null when the profile says (protobuf sample types, a count profile's header). */
  readonly kind: 'heap' | 'goroutine' | null;
  /**
   * Where one moment was captured in several forms, the one a series uses, lowest first: heap protobuf is
   * exact where text was rounded to whole records; goroutine dumps carry wait states, wait minutes and
   * creators that the other forms lack.
   */
  readonly heapPreference: number;
  readonly goroutinePreference: number;
  /** One stack per goroutine, with its wait state, wait minutes and creator (runtime.Stack's format, debug=2). */
  readonly perGoroutine: boolean;
  /** Whether `go tool pprof` reads it: protobuf and the debug=1 text forms, not debug=2 dumps. */
  readonly pprofReads: boolean;
}

export const FORMS = {
  pprof: {
    title: 'pprof protobuf',
    short: 'pprof protobuf',
    endpoint: null,
    kind: null,
    heapPreference: 0,
    goroutinePreference: 1,
    perGoroutine: false,
    pprofReads: true,
  },
  'heap-text': {
    title: 'heap text (debug=1)',
    short: 'heap debug=1',
    endpoint: 'heap?debug=1',
    kind: 'heap',
    heapPreference: 1,
    goroutinePreference: 3,
    perGoroutine: false,
    pprofReads: true,
  },
  'goroutine-text': {
    title: 'goroutine text (debug=1)',
    short: 'goroutine debug=1',
    endpoint: 'goroutine?debug=1',
    kind: null,
    heapPreference: 2,
    goroutinePreference: 2,
    perGoroutine: false,
    pprofReads: true,
  },
  'goroutine-dump': {
    title: 'goroutine dump (debug=2)',
    short: 'goroutine debug=2',
    endpoint: 'goroutine?debug=2',
    kind: 'goroutine',
    heapPreference: 0,
    goroutinePreference: 0,
    perGoroutine: true,
    pprofReads: false,
  },
} as const satisfies Readonly<Record<Form, FormFacts>>;
