// What a goroutine waits on, from the frames at the top of its stack. Protobuf goroutine profiles carry no
// wait reason, but they keep the runtime frames Go's text dumps hide, and those frames say it. Names and
// call chains as in Go 1.19's runtime (chan.go, select.go, netpoll.go, sema.go, time.go) and the reasons as
// runtime2.go prints them; the sync linknames of later releases are included.

/**
 * The wait of a goroutine parked right in the service's own code in a form that hides leading runtime frames
 * (goroutine debug=1 text): only a channel operation or a select leaves no frame of its own there (sync,
 * time and the network poller show theirs).
 */
export const HIDDEN_RUNTIME_WAIT = 'channel or select (runtime frames hidden)';

/** Runtime code that package sync, time and internal/poll reach through go:linkname, under their own names. */
const LINKNAMED_WAITS: ReadonlyMap<string, string> = new Map([
  ['internal/poll.runtime_pollWait', 'IO wait'],
  ['time.Sleep', 'sleep'],
  ['sync.runtime_notifyListWait', 'sync.Cond.Wait'],
  // Go 1.20+ linknames, one per wait reason.
  ['sync.runtime_SemacquireWaitGroup', 'sync.WaitGroup.Wait'],
  ['sync.runtime_SemacquireRWMutexR', 'sync.RWMutex.RLock'],
  ['sync.runtime_SemacquireRWMutex', 'sync.RWMutex.Lock'],
]);

/** Leading runtime frames that decide the reason by themselves. */
const RUNTIME_WAITS: ReadonlyMap<string, string> = new Map([
  ['runtime.block', 'select (no cases)'],
  ['runtime.selectgo', 'select'],
  ['runtime.chanrecv', 'chan receive'],
  ['runtime.chanrecv1', 'chan receive'],
  ['runtime.chanrecv2', 'chan receive'],
  ['runtime.chansend', 'chan send'],
  ['runtime.chansend1', 'chan send'],
  ['runtime.netpollblock', 'IO wait'],
]);

/**
 * The wait reason Go would print for a goroutine with this stack (normalized names, leaf first), or null when
 * the frames do not say. Reads the leading runtime.* frames and the two frames after them: sync, time and
 * internal/poll reach the runtime through linknamed functions that carry their own package's name
 * (sync.runtime_Semacquire, time.Sleep, internal/poll.runtime_pollWait), so pass more than the runtime frames
 * when you have them. Semaphore waits get the reason Go 1.20+ prints (sync.Mutex.Lock, ...), which Go 1.19
 * printed as semacquire.
 */
export function inferWaitState(stack: readonly string[]): string | null {
  let k = 0;
  let fromRuntime: string | null = null;
  let semaphore = false;
  for (; k < stack.length && stack[k].startsWith('runtime.'); k++) {
    fromRuntime ??= RUNTIME_WAITS.get(stack[k]) ?? null;
    if (stack[k] === 'runtime.semacquire1' || stack[k] === 'runtime.semacquire') semaphore = true;
  }
  if (fromRuntime !== null) return fromRuntime;
  const next = stack[k];
  const caller = stack[k + 1];
  if (next === undefined) return semaphore ? 'semacquire' : null;
  const linked = LINKNAMED_WAITS.get(next);
  if (linked !== undefined) return linked;
  if (next === 'sync.runtime_SemacquireMutex' || next === 'internal/sync.runtime_SemacquireMutex') {
    // Go 1.19 RWMutex waits through the Mutex semaphore too: the caller tells which lock it is.
    if (caller === 'sync.(*RWMutex).RLock') return 'sync.RWMutex.RLock';
    if (caller === 'sync.(*RWMutex).Lock') return 'sync.RWMutex.Lock';
    return 'sync.Mutex.Lock';
  }
  if (next === 'sync.runtime_Semacquire') return caller === 'sync.(*WaitGroup).Wait' ? 'sync.WaitGroup.Wait' : 'semacquire';
  return semaphore ? 'semacquire' : null;
}
