package checks

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// Watch timing. Debounce gathers the burst of events one kubectl command
// causes (a Deployment update touches the Deployment, a ReplicaSet and
// pods) into one evaluation.
const (
	watchDebounce  = 40 * time.Millisecond
	syncTimeout    = 15 * time.Second
	retryFirst     = time.Second
	retryMax       = 8 * time.Second
	volatileWindow = 45 * time.Second
	// localEvery is how often local state is looked at: the kubeconfig
	// file and the exercise's baseline.
	localEvery = time.Second
)

// WatchStats counts what a watch did, for benchmarks and diagnostics.
type WatchStats struct {
	Evaluations int
	Informers   int
	Unwatched   int
}

// cacheReader serves reads from informer stores and falls back to the API
// for resources it does not watch.
type cacheReader struct {
	live   objectReader
	stores map[depKey]cache.Store
}

func (r *cacheReader) store(gvr schema.GroupVersionResource, ns string) cache.Store {
	if s, ok := r.stores[depKey{gvr: gvr, namespace: ns}]; ok {
		return s
	}
	return nil
}

func (r *cacheReader) get(ctx context.Context, gvr schema.GroupVersionResource, ns, name string) (*unstructured.Unstructured, error) {
	s := r.store(gvr, ns)
	if s == nil {
		return r.live.get(ctx, gvr, ns, name)
	}
	key := name
	if ns != "" {
		key = ns + "/" + name
	}
	obj, exists, err := s.GetByKey(key)
	if err != nil {
		return nil, err
	}
	if !exists {
		return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
	}
	return obj.(*unstructured.Unstructured), nil
}

func (r *cacheReader) list(ctx context.Context, gvr schema.GroupVersionResource, ns string, sel labels.Selector) ([]*unstructured.Unstructured, error) {
	s := r.store(gvr, ns)
	if s == nil {
		return r.live.list(ctx, gvr, ns, sel)
	}
	var out []*unstructured.Unstructured
	for _, o := range s.List() {
		u := o.(*unstructured.Unstructured)
		if sel == nil || sel.Matches(labels.Set(u.GetLabels())) {
			out = append(out, u)
		}
	}
	return out, nil
}

// watchState is one running watch.
type watchState struct {
	g        *Grader
	ev       *evaluation
	deps     []*checkDeps
	byKey    map[depKey][]int
	volatile []int
	kubecfg  []int
	baseline []int // unchanged checks

	mu      sync.Mutex
	dirty   map[int]bool
	trigger string
	wake    chan struct{}

	report gradedReport
	// retryAt is when each failing volatile check is retried next; the
	// window closes volatileWindow after the last change.
	retryDelay map[int]time.Duration
	lastChange time.Time
	window     time.Duration
	stats      WatchStats
}

// Watch grades ex now and again whenever something it depends on changes,
// calling onReport with every new report, until ctx ends. Informers are
// scoped to the namespaces and resources the checks read; checks that read
// state watches cannot see (exec, logs, the authorizer) re-run after each
// change and are retried with back-off for a while, then the watch goes
// quiet: an idle exercise makes no API requests beyond its watches. When the API server stops answering,
// every check is reported as an environment error within seconds, and
// grading starts over by itself when it answers again (outage.go). With
// WithProgress, each evaluation also reports its progress.
func (g *Grader) Watch(ctx context.Context, ex *lessons.Exercise, onReport func(result.Report), opts ...Option) error {
	return g.watchThroughOutages(ctx, ex, onReport, opts...)
}

func (g *Grader) watch(ctx context.Context, ex *lessons.Exercise, onReport func(result.Report), opts ...Option) (*watchState, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ev := g.newEvaluation(ex, nil, opts)
	ws := &watchState{g: g, ev: ev, byKey: map[depKey][]int{}, dirty: map[int]bool{}, wake: make(chan struct{}, 1), retryDelay: map[int]time.Duration{}}
	keys := map[depKey]bool{}
	ws.window = volatileWindow
	for i := range ev.ex.Checks {
		ws.window = max(ws.window, ev.ex.Checks[i].Eventually.Duration)
		d, err := g.dependencies(ev.ex, &ev.ex.Checks[i])
		if err != nil {
			// Unresolvable dependencies make the check volatile; its own
			// evaluation reports the problem.
			d.volatile = true
		}
		ws.deps = append(ws.deps, d)
		for k := range d.keys {
			ws.byKey[k] = append(ws.byKey[k], i)
			keys[k] = true
		}
		if d.volatile {
			ws.volatile = append(ws.volatile, i)
		}
		if d.kubeconfig {
			ws.kubecfg = append(ws.kubecfg, i)
		}
		if d.baseline {
			ws.baseline = append(ws.baseline, i)
		}
	}

	reader := &cacheReader{live: liveReader{dyn: g.env.Dynamic}, stores: map[depKey]cache.Store{}}
	var synced []cache.InformerSynced
	informers := map[depKey]cache.SharedIndexInformer{}
	trim := trimmedFor(ev.ex)
	for k := range keys {
		inf := g.troubleInformer(k)
		if err := inf.SetTransform(trim); err != nil {
			return ws, fmt.Errorf("watch %s: %w", k, err)
		}
		key := k
		reg, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(obj any) { ws.changed(key, obj) },
			UpdateFunc: func(_, obj any) { ws.changed(key, obj) },
			DeleteFunc: func(obj any) { ws.changed(key, obj) },
		})
		if err != nil {
			return ws, fmt.Errorf("watch %s: %w", k, err)
		}
		informers[k] = inf
		// The registration has synced once the handler has seen the initial
		// list, so those notifications do not look like changes later.
		synced = append(synced, reg.HasSynced)
		go inf.RunWithContext(ctx)
	}
	syncCtx, syncCancel := context.WithTimeout(ctx, syncTimeout)
	cache.WaitForCacheSync(syncCtx.Done(), synced...)
	syncCancel()
	if ctx.Err() != nil {
		return ws, nil
	}
	for k, inf := range informers {
		if inf.HasSynced() {
			reader.stores[k] = inf.GetStore()
			ws.stats.Informers++
		} else {
			// Not allowed to watch, or the resource is gone: read it live
			// and treat its checks as volatile.
			ws.stats.Unwatched++
			ws.volatile = append(ws.volatile, ws.byKey[k]...)
		}
	}
	ev.reader = reader

	// Events delivered while syncing describe the initial state, which the
	// first evaluation covers.
	ws.mu.Lock()
	ws.dirty = map[int]bool{}
	ws.mu.Unlock()
	baseStamp := ws.baselineStamp()
	ws.report = ev.report(ctx, nil, "initial", nil)
	ws.stats.Evaluations++
	ws.lastChange = time.Now()
	ws.scheduleRetries(nil)
	if ctx.Err() != nil {
		return ws, nil
	}
	onReport(ws.copyReport())

	// The baseline stamp is read before the first evaluation, so a reset
	// that records a new baseline during it is noticed.
	var kubeStamp time.Time
	if len(ws.kubecfg) > 0 {
		kubeStamp = fileStamp(g.env.Kubeconfig.PathFor(ev.ex))
	}
	// One ticker for the whole watch: a timer made afresh in each round
	// would never fire while changes keep arriving faster than localEvery.
	var localTick <-chan time.Time
	if len(ws.kubecfg) > 0 || len(ws.baseline) > 0 {
		ticker := time.NewTicker(localEvery)
		defer ticker.Stop()
		localTick = ticker.C
	}
	lastEval := time.Now()
	for {
		timer := ws.nextTimer()
		select {
		case <-ctx.Done():
			stopTimer(timer)
			return ws, nil
		case <-ws.wake:
			stopTimer(timer)
			// The first change after a quiet period is graded at once
			// (leading edge); the rest of its burst (one kubectl command
			// touches a Deployment, a ReplicaSet and pods) is gathered
			// into the next evaluation, watchDebounce after this one.
			if wait := watchDebounce - time.Since(lastEval); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					return ws, nil
				}
			}
		case <-timerC(timer):
			ws.mu.Lock()
			for i, d := range ws.retryDelay {
				if d > 0 && ws.report.results[i].Status != result.Pass {
					ws.dirty[i] = true
				}
			}
			if ws.trigger == "" {
				ws.trigger = "retry"
			}
			ws.mu.Unlock()
		case <-localTick:
			if s := fileStamp(g.env.Kubeconfig.PathFor(ev.ex)); len(ws.kubecfg) > 0 && !s.Equal(kubeStamp) {
				kubeStamp = s
				ws.mark(ws.kubecfg, "change: kubeconfig file")
			}
			if s := ws.baselineStamp(); s != baseStamp {
				baseStamp = s
				ws.mark(ws.baseline, "change: the exercise's start state was recorded")
			}
		}
		ws.mu.Lock()
		dirty, trigger := ws.dirty, ws.trigger
		ws.dirty, ws.trigger = map[int]bool{}, ""
		ws.mu.Unlock()
		if len(dirty) == 0 {
			continue
		}
		if trigger != "retry" {
			// A change restarts the back-off of the checks it re-grades;
			// the others keep their pending retries.
			ws.lastChange = time.Now()
			for i := range dirty {
				delete(ws.retryDelay, i)
			}
		}
		// Each check reports as soon as it has a new result: a slow one
		// (a command, a connection) does not hold back the others.
		ev.finished = func(i int, r graded) {
			if ws.report.results[i].Says(r.Result) {
				return
			}
			ws.report.results[i] = r
			ws.report.time, ws.report.trigger = ev.env.now(), trigger
			onReport(ws.copyReport())
		}
		next := ev.report(ctx, dirty, trigger, ws.report.results)
		ev.finished = nil
		lastEval = time.Now()
		if ctx.Err() != nil {
			return ws, nil
		}
		ws.stats.Evaluations++
		for i := range dirty {
			ws.report.results[i] = next.results[i]
		}
		ws.report.time, ws.report.trigger = next.time, trigger
		ws.scheduleRetries(dirty)
		onReport(ws.copyReport())
	}
}

// baselineStamp identifies the exercise's recorded baseline, "" when
// nothing reads it.
func (ws *watchState) baselineStamp() string {
	if len(ws.baseline) == 0 || ws.g.env.Baselines == nil {
		return ""
	}
	return ws.g.env.Baselines.Stamp(ws.ev.ex)
}

func (ws *watchState) copyReport() result.Report { return presented(ws.report) }

// changed marks the checks that read key, and every volatile check.
func (ws *watchState) changed(key depKey, obj any) {
	what := key.String()
	if m, ok := obj.(interface{ GetName() string }); ok {
		what = fmt.Sprintf("%s %s", key.gvr.Resource, m.GetName())
	}
	ws.mark(append(append([]int(nil), ws.byKey[key]...), ws.volatile...), "change: "+what)
}

func (ws *watchState) mark(idx []int, trigger string) {
	ws.mu.Lock()
	for _, i := range idx {
		ws.dirty[i] = true
	}
	if ws.trigger == "" || ws.trigger == "retry" {
		ws.trigger = trigger
	}
	ws.mu.Unlock()
	select {
	case ws.wake <- struct{}{}:
	default:
	}
}

// scheduleRetries sets back-off for failing volatile checks (and checks
// with an error) among the evaluated ones, within the window after the last
// change.
func (ws *watchState) scheduleRetries(evaluated map[int]bool) {
	if time.Since(ws.lastChange) > ws.window {
		ws.retryDelay = map[int]time.Duration{}
		return
	}
	isVolatile := map[int]bool{}
	for _, i := range ws.volatile {
		isVolatile[i] = true
	}
	for i, r := range ws.report.results {
		if evaluated != nil && !evaluated[i] {
			continue
		}
		needs := r.Status == result.Error || (r.Status == result.Fail && (isVolatile[i] || ws.ev.ex.Checks[i].Eventually.Duration > 0))
		if !needs {
			delete(ws.retryDelay, i)
			continue
		}
		d := ws.retryDelay[i]
		switch {
		case d == 0:
			d = retryFirst
		default:
			d = min(d*2, retryMax)
		}
		ws.retryDelay[i] = d
	}
}

// nextTimer returns a timer for the earliest retry, or nil.
func (ws *watchState) nextTimer() *time.Timer {
	if len(ws.retryDelay) == 0 || time.Since(ws.lastChange) > ws.window {
		return nil
	}
	var next time.Duration
	for _, d := range ws.retryDelay {
		if next == 0 || d < next {
			next = d
		}
	}
	return time.NewTimer(next)
}

func timerC(t *time.Timer) <-chan time.Time {
	if t == nil {
		return nil
	}
	return t.C
}

func stopTimer(t *time.Timer) {
	if t != nil {
		t.Stop()
	}
}

func fileStamp(path string) time.Time {
	st, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return st.ModTime()
}

// lastApplied is the annotation in which kubectl apply keeps the manifest
// it applied: often the largest part of an object.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// trimmedFor returns the informer transform of a watch on ex: it drops
// from every cached object the managed fields and kubectl apply's record,
// which take most of an object's memory, unless a check of ex reads them
// (or compares whole objects with the start state: unchanged).
func trimmedFor(ex *lessons.Exercise) cache.TransformFunc {
	text, err := json.Marshal(ex.Checks)
	reads := func(s string) bool { return err != nil || bytes.Contains(text, []byte(s)) }
	keepManaged := reads("managedFields") || reads(`"unchanged"`)
	keepApplied := reads("last-applied") || reads(`"unchanged"`)
	return func(obj any) (any, error) {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return obj, nil
		}
		if !keepManaged {
			u.SetManagedFields(nil)
		}
		if a := u.GetAnnotations(); !keepApplied && a[lastApplied] != "" {
			delete(a, lastApplied)
			u.SetAnnotations(a)
		}
		return u, nil
	}
}
