package checks

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestEnvtestResetDuringWatchGradesTheNewBaseline: a reset while a watch
// runs (the TUI's reset) records a new baseline; the watch grades unchanged
// checks against it at once, although no watched object changes after the
// baseline is written and other changes happened while it was written.
func TestEnvtestResetDuringWatchGradesTheNewBaseline(t *testing.T) {
	fx := newAPIFixture(t)
	g := NewGrader(fx.env)
	env, err := lab.NewEnvironment(fx.cfg, lab.EnvOptions{StateDir: filepath.Join(t.TempDir(), "state"), Context: "envtest", Wait: g.Waiter()})
	if err != nil {
		t.Fatal(err)
	}
	fx.env.Baselines = LabBaselines(env)
	// The wait step holds the setup between creating Service shop and
	// recording its baseline until the test creates ConfigMap go.
	src := fmt.Sprintf(`
namespaces: [%s]
setup:
  - apply: |
      apiVersion: v1
      kind: Service
      metadata: {name: shop}
      spec: {ports: [{port: 80, targetPort: 8080}]}
  - wait:
      timeout: 60s
      exists: ConfigMap/go
checks:
  - {id: same-service, title: t, message: m, unchanged: {object: Service/shop, uid: true}}
  - {id: go, title: t, message: m, exists: ConfigMap/go}
`, fx.ns)
	var ex lessons.Exercise
	if err := yaml.Unmarshal([]byte(src), &ex); err != nil {
		t.Fatal(err)
	}
	ex.ID = "test/" + fx.ns
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	goCM := `{apiVersion: v1, kind: ConfigMap, metadata: {name: go}}`
	firstSetup := make(chan error, 1)
	go func() { firstSetup <- env.Setup(ctx, &ex) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := fx.env.Kube.CoreV1().Services(fx.ns).Get(ctx, "shop", metav1.GetOptions{}); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("setup never created Service shop")
		}
		time.Sleep(100 * time.Millisecond)
	}
	fx.apply(goCM)
	if err := <-firstSetup; err != nil {
		t.Fatal(err)
	}

	reports := make(chan Report, 200)
	wctx, wcancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- g.Watch(wctx, &ex, func(r Report) { reports <- r }) }()
	defer func() { wcancel(); <-done }()
	if first := <-reports; !first.Passed() {
		t.Fatalf("before the reset: %+v", first.Results)
	}

	reset := make(chan error, 1)
	go func() { reset <- env.Reset(ctx, &ex) }()
	applied := false
	var resetDone time.Time
	var last Report
	for {
		var timeout <-chan time.Time
		if !resetDone.IsZero() {
			timeout = time.After(time.Until(resetDone.Add(3 * time.Second)))
		}
		select {
		case r := <-reports:
			last = r
			if !applied && r.Results[0].Status == Error && strings.Contains(r.Results[0].Detail, "is being set up") {
				// The setup is past the Service and before the
				// baseline: another change arrives meanwhile.
				applied = true
				fx.apply(goCM)
			}
			if !resetDone.IsZero() && r.Passed() {
				return
			}
		case err := <-reset:
			if err != nil {
				t.Fatalf("reset: %v", err)
			}
			if !applied {
				t.Fatal("the watch never graded the setup between its steps")
			}
			resetDone = time.Now()
			if last.Passed() {
				return
			}
		case <-timeout:
			t.Fatalf("3 s after the reset the watch still reports %+v", last.Results)
		}
	}
}
