// Kubernetes client-go: informers and reflectors that are started and never stopped.

import { fns, type Signature, within } from './signature.js';

const CACHE = 'k8s.io/client-go/tools/cache.';
const WAIT = 'k8s.io/apimachinery/pkg/util/wait.';
/** `k8s.io/client-go/informers/core/v1.(*podInformer).Informer` and its kin in every generated group/version package. */
const TYPED_INFORMER_ACCESSOR =
  /^k8s\.io\/client-go\/(?:informers|metadata\/metadatainformer|dynamic\/dynamicinformer)\/?[\w/]*\.\(\*\w+Informer\)\.(?:Informer|Lister|TypedInformer)$/;

export const K8S_INFORMER_UNSTOPPED: Signature = {
  id: 'k8s-informer-unstopped',
  title: 'Kubernetes informer or reflector never stopped',
  kind: 'both',
  goroutineFrames: [
    within(
      CACHE,
      '(*Reflector).ListAndWatch',
      '(*Reflector).watchHandler',
      'watchHandler',
      '(*Reflector).watch',
      '(*Reflector).Run',
      '(*Reflector).startResync',
    ),
    within(CACHE, '(*sharedIndexInformer).Run', '(*controller).Run', '(*controller).processLoop', '(*DeltaFIFO).Pop'),
    within(CACHE, '(*processorListener).run', '(*processorListener).pop', '(*sharedProcessor).run'),
    within(
      WAIT,
      'BackoffUntil',
      'JitterUntil',
      'Until',
      'UntilWithContext',
      'JitterUntilWithContext',
      '(*Group).Start',
      '(*Group).StartWithChannel',
      '(*Group).StartWithContext',
    ),
    fns('k8s.io/apimachinery/pkg/watch.(*StreamWatcher).receive'),
  ],
  waitStates: ['select', 'chan receive', 'chan send', 'IO wait', 'sync.Cond.Wait'],
  heapFrames: [
    within(
      CACHE,
      'NewSharedIndexInformer',
      'NewSharedIndexInformerWithOptions',
      'NewSharedInformer',
      'NewIndexerInformer',
      'NewInformer',
      'newInformer',
      'NewReflector',
      'NewReflectorWithOptions',
      'newProcessListener',
    ),
    within(CACHE, '(*threadSafeMap).Add', '(*threadSafeMap).Update', '(*threadSafeMap).Replace', '(*DeltaFIFO).queueActionLocked', '(*DeltaFIFO).Replace'),
  ],
  generic: false,
  packages: ['k8s.io/client-go', 'k8s.io/apimachinery'],
  heapOnly: false,
  strongAt: 4,
  ceiling: 1,
  entryPoints: [
    within(
      'k8s.io/client-go/informers.',
      'NewSharedInformerFactory',
      'NewSharedInformerFactoryWithOptions',
      'NewFilteredSharedInformerFactory',
      '(*sharedInformerFactory).Start',
      '(*sharedInformerFactory).InformerFor',
    ),
    // The typed accessors a caller reaches an informer through, factory.Core().V1().Pods().Informer(): the
    // informer is made there, on first use, so the caller's frame is on its allocation stacks even when the
    // factory's own (made once, small) is never sampled.
    TYPED_INFORMER_ACCESSOR,
    within(
      'k8s.io/client-go/dynamic/dynamicinformer.',
      'NewDynamicSharedInformerFactory',
      'NewFilteredDynamicSharedInformerFactory',
      '(*dynamicSharedInformerFactory).Start',
    ),
    within(CACHE, 'NewSharedIndexInformer', 'NewSharedIndexInformerWithOptions', 'NewSharedInformer', 'NewIndexerInformer', 'NewInformer', 'NewReflector'),
  ],
  userFrameVisible: false,
  whereToLook:
    'code that creates informer factories or informers (informers.NewSharedInformerFactory, cache.NewSharedIndexInformer) per request, per tenant or per reconnect, and the stop channel or context given to factory.Start / informer.Run that is never closed; the goroutines are started by client-go; a goroutine dump (debug=2) names their creator, which is your function only where you call go informer.Run yourself',
  versions:
    'client-go tools/cache (checked in client-go sources via code search): reflector.go ListAndWatch with (*Reflector).watchHandler in older releases, a package-level watchHandler function and (*Reflector).watch in newer ones; shared_informer.go (*sharedIndexInformer).Run, (*sharedProcessor).run, (*processorListener).run and pop (started through wait.(*Group).Start); controller.go (*controller).Run and processLoop over (*DeltaFIFO).Pop, which waits on a sync.Cond; apimachinery wait.BackoffUntil / JitterUntil run the loops. client-go v0.37.2 (captured): six goroutines per informer, three of them rooted outside the cache package (wait.(*Group).Start.func, sync.(*WaitGroup).Go.func, context.(*cancelCtx).propagateCancel.func); the informer is made on first use under the typed accessor (informers/core/v1.(*podInformer).Informer ← InformerFor ← NewSharedIndexInformerWithOptions), inlined away to (*podInformer).TypedInformer in some builds, so the accessor is an entry point of its own.',
  capturedOn: [
    { go: '1.26.8', library: 'k8s.io/client-go v0.37.2' },
    { go: '1.27.3', library: 'k8s.io/client-go v0.37.2' },
  ],
  caveats: [],
  explanation:
    'An informer runs a reflector (list and watch against the API server, holding a watch connection), a processing loop and one goroutine pair per event handler, and caches every object it has seen, until the stop channel passed to Run or factory.Start is closed. Creating informers or factories repeatedly without closing that channel leaks all of it, including the watch connection, every time.',
  fix: 'Create one informer factory for the process, start it once, and close its stop channel (or cancel its context) when you are done with it.',
  example: [
    'stop := make(chan struct{})',
    'defer close(stop)',
    'factory := informers.NewSharedInformerFactory(clientset, 10*time.Minute)',
    'pods := factory.Core().V1().Pods().Informer()',
    'factory.Start(stop)',
    'cache.WaitForCacheSync(stop, pods.HasSynced)',
  ].join('\n'),
};
