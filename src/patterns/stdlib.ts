// Standard library leaks with a recognizable frame: timers, contexts, database/sql rows, and sync waits.

import { fns, type Signature, within } from './signature.js';

export const TIME_TICKER_UNSTOPPED: Signature = {
  id: 'time-ticker-unstopped',
  title: 'time.Ticker not stopped, or time.After in a loop',
  kind: 'heap',
  goroutineFrames: [],
  // The goroutines that read the ticker are the user's own, parked in a select or a receive on ticker.C.
  waitStates: ['select', 'chan receive'],
  heapFrames: [fns('time.NewTicker', 'time.Tick'), fns('time.NewTimer', 'time.After')],
  generic: false,
  packages: [],
  heapOnly: false,
  strongAt: 2,
  ceiling: 1,
  entryPoints: [fns('time.NewTicker', 'time.Tick', 'time.NewTimer', 'time.After')],
  userFrameVisible: true,
  versions:
    "Go 1.19 time/tick.go and time/sleep.go: NewTicker, NewTimer and After allocate the timer and its channel and register it with time.startTimer (runtime.addtimer), so heap stacks read time.startTimer ← time.NewTicker or time.startTimer ← time.NewTimer ← time.After ← your function (checked with a Go 1.19 program). Before Go 1.23 the runtime timer heap references every started timer, so a Ticker that is never stopped lives forever and an unfired time.After lives until it fires. Go 1.23 made unreferenced timers and tickers collectable (runtime.newTimer is linked as time.newTimer), but only when the main module's go.mod says go 1.23.0 or later, and GODEBUG asynctimerchan=1 reverts it (Go 1.23 release notes); a Ticker still referenced by a running goroutine leaks in every version.",
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
  ],
  caveats: [
    { id: 'timers-pinned', goMin: null, goMax: 22 },
    { id: 'timers-collectable', goMin: 23, goMax: null },
  ],
  explanation:
    'A started timer is referenced from the runtime until it fires or is stopped. A Ticker never fires for the last time, so without Stop it, its channel and whatever its goroutine holds stay reachable forever; time.After in a loop creates a new timer on every iteration that lives for the full duration even when another case won the select.',
  fix: 'defer ticker.Stop() after every time.NewTicker; in loops create one time.NewTimer and Reset it instead of calling time.After each iteration.',
  example: [
    'ticker := time.NewTicker(interval)',
    'defer ticker.Stop()',
    'for {',
    '\tselect {',
    '\tcase <-ctx.Done():',
    '\t\treturn',
    '\tcase <-ticker.C:',
    '\t\tpoll()',
    '\t}',
    '}',
  ].join('\n'),
};

export const CONTEXT_CANCEL_UNCALLED: Signature = {
  id: 'context-cancel-uncalled',
  title: 'context cancel function never called',
  kind: 'both',
  goroutineFrames: [
    fns('context.propagateCancel.func', 'context.(*cancelCtx).propagateCancel.func'),
    // gRPC-Go's watcher of a client stream's context: one goroutine per streaming RPC until the stream ends.
    within('google.golang.org/grpc.', 'newClientStreamWithParams.func', 'newClientStream.func'),
  ],
  waitStates: ['select'],
  heapFrames: [
    fns('context.WithCancel', 'context.withCancel', 'context.newCancelCtx', 'context.WithCancelCause'),
    fns('context.WithTimeout', 'context.WithDeadline', 'context.WithDeadlineCause', 'context.WithTimeoutCause'),
    // The parent's children map that keeps every uncanceled child reachable.
    fns('context.propagateCancel', 'context.(*cancelCtx).propagateCancel'),
    fns('context.(*cancelCtx).Done'),
  ],
  generic: false,
  packages: [],
  heapOnly: false,
  strongAt: 3,
  ceiling: 1,
  entryPoints: [
    fns(
      'context.WithCancel',
      'context.WithCancelCause',
      'context.WithTimeout',
      'context.WithTimeoutCause',
      'context.WithDeadline',
      'context.WithDeadlineCause',
    ),
  ],
  userFrameVisible: true,
  versions:
    "Go 1.19 context/context.go: WithCancel → newCancelCtx + propagateCancel, which adds the child to the parent's children map, or, when the parent is not a *cancelCtx the package can find (a custom Context type), starts a goroutine context.propagateCancel.func1 that waits in select on both Done channels (checked with a Go 1.19 program; heap stacks show context.WithCancel, context.propagateCancel, context.(*cancelCtx).Done, and time.AfterFunc ← context.WithDeadline ← context.WithTimeout). Go 1.21 moved this to the method (*cancelCtx).propagateCancel, allocates in context.withCancel, and uses the parent's AfterFunc method instead of a goroutine when it has one; the goroutine remains only for custom parents without it. gRPC-Go starts a goroutine for every streaming RPC (not unary ones) that waits in select for the ClientConn's or the stream's context to be done (stream.go: `go func() { select { case <-cc.ctx.Done(): ... case <-ctx.Done(): ... } }()`), in newClientStream in 1.33.3 (Debian golang-google-grpc-dev) and in newClientStreamWithParams in v1.85.0 (its closure func4, captured in fixtures/matrix/grpc-stream-uncancelled); it ends when the stream finishes (read to its error or io.EOF) or its context is canceled, so a stream opened with a context nobody cancels and left unread keeps it, and on an in-process server the stream's handler, for the parent context's lifetime.",
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
    { go: '1.27.3', library: null },
  ],
  caveats: [],
  explanation:
    "A context derived from a long-lived cancelable parent is registered in the parent's children map (or, for a custom parent type, watched by a goroutine) until its cancel function runs or the parent is canceled. Dropping the cancel function keeps every child, its Done channel, its timer and everything reachable from it alive for the parent's lifetime. A gRPC client stream is one of those things: gRPC watches the stream's context on a goroutine of its own until the stream ends, so a stream that is neither canceled nor read to its end keeps that goroutine, the stream's buffers and the server's handler for it.",
  fix: 'Call the cancel function on every path: ctx, cancel := context.WithTimeout(parent, d); defer cancel() (for a gRPC stream, also when it is done with before its end).',
  example: ['ctx, cancel := context.WithTimeout(parent, 5*time.Second)', 'defer cancel()', 'return fetch(ctx, key)'].join('\n'),
};

const SQL = 'database/sql.';

export const SQL_ROWS_UNCLOSED: Signature = {
  id: 'sql-rows-unclosed',
  title: 'database/sql Rows never closed',
  kind: 'both',
  goroutineFrames: [
    within(SQL, '(*Rows).awaitDone'),
    // Callers queued for a connection once the open Rows have taken the whole pool (SetMaxOpenConns).
    within(SQL, '(*DB).conn'),
  ],
  waitStates: ['select'],
  heapFrames: [
    within(SQL, '(*Rows).initContextClose'),
    within(SQL, '(*DB).queryDC', '(*DB).query', '(*DB).QueryContext', '(*Tx).QueryContext', '(*Conn).QueryContext', '(*Stmt).QueryContext'),
  ],
  generic: false,
  packages: ['database/sql'],
  heapOnly: false,
  strongAt: 3,
  ceiling: 1,
  entryPoints: [
    within(
      SQL,
      '(*DB).Query',
      '(*DB).QueryContext',
      '(*DB).QueryRow',
      '(*DB).QueryRowContext',
      '(*Tx).Query',
      '(*Tx).QueryContext',
      '(*Tx).QueryRow',
      '(*Tx).QueryRowContext',
      '(*Conn).QueryContext',
      '(*Conn).QueryRowContext',
      '(*Stmt).Query',
      '(*Stmt).QueryContext',
      '(*Stmt).QueryRow',
      '(*Stmt).QueryRowContext',
    ),
  ],
  // A leaked Rows pins its connection, so the next query to find the pool empty opens a new one, and the
  // driver's per-connection state sits under that query's caller: the busiest caller, not the leaking one
  // (fixtures/matrix/sql-rows-unclosed). pgx v5 makes its statement cache in connect, under (*DB).conn, and
  // memoizes encode plans in the connection's own pgtype.Map on its first queries.
  poolState: [within(SQL, '(*DB).conn'), within('github.com/jackc/pgx/v5/pgtype.', '(*Map).PlanEncode')],
  handles: [
    within(SQL, '(*Rows).Next', '(*Rows).NextResultSet', '(*Rows).Scan', '(*Rows).Columns', '(*Rows).ColumnTypes', '(*Rows).Err', '(*Row).Scan', '(*Row).Err'),
  ],
  userFrameVisible: true,
  versions:
    'Go 1.19 database/sql/sql.go: queryDC → (*Rows).initContextClose starts `go rs.awaitDone(ctx, txctx)` only when the query context (or transaction context) can be canceled, so Query with context.Background leaks the connection without a goroutine (checked with a Go 1.19 program and a stub driver: awaitDone only for the cancelable context; heap under (*DB).queryDC, (*DB).conn and initContextClose ← (*DB).QueryContext ← your function). Current Go passes a third closectx to awaitDone; the frame names are unchanged.',
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
    { go: '1.27.3', library: null },
  ],
  caveats: [],
  explanation:
    'Open Rows hold their driver connection until Close, or until Next has returned false. Rows that are returned early, or a QueryRow whose Scan is never called, keep the connection and, with a cancelable context, an awaitDone goroutine. Once the pool limit is reached every other query waits in (*DB).conn.',
  fix: 'defer rows.Close() right after the error check of every Query, and always call Scan on QueryRow results.',
  example: [
    'rows, err := db.QueryContext(ctx, q, args...)',
    'if err != nil {',
    '\treturn err',
    '}',
    'defer rows.Close()',
    'for rows.Next() {',
    '\t// ...',
    '}',
    'return rows.Err()',
  ].join('\n'),
};

const SYNC_WAITS = [
  fns('sync.(*WaitGroup).Wait'),
  fns('sync.(*Mutex).Lock', 'sync.(*Mutex).lockSlow', 'internal/sync.(*Mutex).Lock', 'internal/sync.(*Mutex).lockSlow'),
  fns('sync.(*RWMutex).RLock', 'sync.(*RWMutex).Lock'),
  fns('sync.(*Cond).Wait'),
];

export const SYNC_WAIT_BLOCKED: Signature = {
  id: 'goroutines-blocked-sync',
  title: 'Goroutines blocked on a WaitGroup, Mutex or Cond',
  kind: 'goroutine',
  goroutineFrames: SYNC_WAITS,
  waitStates: ['semacquire', 'sync.Mutex.Lock', 'sync.RWMutex.RLock', 'sync.RWMutex.Lock', 'sync.WaitGroup.Wait', 'sync.Cond.Wait'],
  heapFrames: [],
  generic: false,
  packages: [],
  heapOnly: false,
  strongAt: 2,
  ceiling: 0.6,
  entryPoints: SYNC_WAITS,
  fixIn: 'waiter',
  userFrameVisible: true,
  versions:
    'Go 1.19 prints every semaphore wait as [semacquire] (runtime2.go waitReasonSemacquire) and [sync.Cond.Wait] for Cond; stacks read sync.runtime_SemacquireMutex ← sync.(*Mutex).lockSlow ← sync.(*Mutex).Lock, sync.runtime_SemacquireMutex ← sync.(*RWMutex).RLock, sync.runtime_Semacquire ← sync.(*WaitGroup).Wait, sync.runtime_notifyListWait ← sync.(*Cond).Wait (checked with a Go 1.19 program). Go 1.20 added the reasons sync.Mutex.Lock, sync.RWMutex.RLock and sync.RWMutex.Lock, Go 1.24 moved Mutex into internal/sync, and the runtime now links sync.runtime_SemacquireWaitGroup with the reason sync.WaitGroup.Wait (current runtime/sema.go and runtime2.go).',
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
    { go: '1.27.3', library: null },
  ],
  caveats: [],
  explanation:
    'A goroutine waiting on a WaitGroup whose Done is never called, a Mutex that is never unlocked (a missing Unlock on an error path, or a lock taken twice), or a Cond that is never signalled waits forever, and so does everything it holds. A growing number of them means the wait is reached on every request.',
  fix: 'Pair every Lock with a deferred Unlock and every Add with a deferred Done, and never wait on a Cond without a path that signals it.',
  example: ['mu.Lock()', 'defer mu.Unlock()', '', 'wg.Add(1)', 'go func() {', '\tdefer wg.Done()', '\twork()', '}()'].join('\n'),
};
