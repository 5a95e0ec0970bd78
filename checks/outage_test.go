package checks

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/kubedojo/kubedojo/checks/result"
)

// TestWatchIsQuietWhileIdleAndStillSeesAnOutage: once a watch has graded,
// it makes no API request while nothing changes (it used to probe /readyz
// every 2 s); when the API server goes away, the watches' failing requests
// make it probe, and every check turns into an environment error.
func TestWatchIsQuietWhileIdleAndStillSeesAnOutage(t *testing.T) {
	fx := newFixture(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: dev}}`)
	dyn := fx.env.Dynamic.(*dynamicfake.FakeDynamicClient)
	// The watches are fakes this test can end, as a lost connection does.
	var mu sync.Mutex
	var watchers []*watch.RaceFreeFakeWatcher
	var gone error
	dyn.PrependWatchReactor("*", func(k8stesting.Action) (bool, watch.Interface, error) {
		mu.Lock()
		defer mu.Unlock()
		if gone != nil {
			return true, nil, gone
		}
		w := watch.NewRaceFreeFake()
		watchers = append(watchers, w)
		return true, w, nil
	})
	ex := convergeExercise(t, `{id: mode, field: {object: ConfigMap/settings, path: .data.mode, equals: prod}}`)
	reports := make(chan result.Report, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewGrader(fx.env).Watch(ctx, ex, func(r result.Report) { reports <- r }) }()
	defer func() { cancel(); <-done }()
	if first := <-reports; first.Results[0].Status != result.Fail {
		t.Fatalf("initial report: %+v", first.Results)
	}

	// The informers' watches start after their lists.
	time.Sleep(time.Second)
	kubeBefore, dynBefore := len(fx.kube.Actions()), len(dyn.Actions())
	// Longer than twice the old probe interval (2 s).
	time.Sleep(4500 * time.Millisecond)
	var seen []string
	for _, a := range append(fx.kube.Actions()[kubeBefore:], dyn.Actions()[dynBefore:]...) {
		seen = append(seen, a.GetVerb()+" "+a.GetResource().Resource)
	}
	if len(seen) > 0 {
		t.Errorf("an idle watch made %d requests in 4.5 s: %v", len(seen), seen)
	}

	// The API server goes away: the open watches end, and new watches,
	// lists and the version probe fail.
	refused := errors.New("dial tcp 127.0.0.1:6443: connect: connection refused")
	fail := func(k8stesting.Action) (bool, runtime.Object, error) { return true, nil, refused }
	dyn.PrependReactor("list", "*", fail)
	fx.kube.PrependReactor("*", "*", fail)
	start := time.Now()
	mu.Lock()
	gone = refused
	for _, w := range watchers {
		w.Stop()
	}
	mu.Unlock()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case r := <-reports:
			if r.Unreachable != "" && r.Counts().Error == len(r.Results) {
				t.Logf("outage reported after %s", time.Since(start).Round(100*time.Millisecond))
				return
			}
		case <-deadline:
			t.Fatal("the outage was not reported within 20 s")
		}
	}
}
