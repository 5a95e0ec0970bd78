package session

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestEnvtestResetDuringWatchGradesTheNewBaseline: a reset while a watch
// runs (the TUI's reset) records a new baseline; the watch grades unchanged
// checks against it at once, although no watched object changes after the
// baseline is written and other changes happened while it was written.
func TestEnvtestResetDuringWatchGradesTheNewBaseline(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	genv, err := checks.NewEnv(et.Config)
	if err != nil {
		t.Fatal(err)
	}
	fx := &apiFixture{t: t, env: genv, ns: fmt.Sprintf("ses-%d", time.Now().UnixNano()%100000)}
	if _, err := genv.Kube.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: fx.ns}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	g := checks.NewGrader(genv)
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{StateDir: filepath.Join(t.TempDir(), "state"), Context: "envtest", Wait: g.WaitFor})
	if err != nil {
		t.Fatal(err)
	}
	genv.Baselines = Baselines(env)
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
	fx.touchConfigMap("go")
	if err := <-firstSetup; err != nil {
		t.Fatal(err)
	}

	reports := make(chan result.Report, 200)
	wctx, wcancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- g.Watch(wctx, &ex, func(r result.Report) { reports <- r }) }()
	defer func() { wcancel(); <-done }()
	if first := <-reports; !first.Passed() {
		t.Fatalf("before the reset: %+v", first.Results)
	}

	reset := make(chan error, 1)
	go func() { reset <- env.Reset(ctx, &ex) }()
	applied := false
	var resetDone time.Time
	var last result.Report
	for {
		var timeout <-chan time.Time
		if !resetDone.IsZero() {
			timeout = time.After(time.Until(resetDone.Add(3 * time.Second)))
		}
		select {
		case r := <-reports:
			last = r
			if !applied && r.Results[0].Status == result.Error && strings.Contains(r.Results[0].Detail, "is being set up") {
				// The setup is past the Service and before the
				// baseline: another change arrives meanwhile.
				applied = true
				fx.touchConfigMap("go")
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

// apiFixture is a namespace on the envtest API server.
type apiFixture struct {
	t   *testing.T
	env *checks.Env
	ns  string
}

// touchConfigMap creates ConfigMap name, or changes it when it exists.
func (fx *apiFixture) touchConfigMap(name string) {
	fx.t.Helper()
	ctx := context.Background()
	cms := fx.env.Kube.CoreV1().ConfigMaps(fx.ns)
	cm, err := cms.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	} else {
		cm.Annotations = map[string]string{"touched": time.Now().Format(time.RFC3339Nano)}
		_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
	}
	if err != nil {
		fx.t.Fatal(err)
	}
}
