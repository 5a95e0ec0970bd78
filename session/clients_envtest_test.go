package session

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/lessons"
)

// discoveryCounter counts the API discovery requests (GET /api, /apis)
// that pass through it.
type discoveryCounter struct {
	mu sync.Mutex
	n  int
	rt http.RoundTripper
}

func (d *discoveryCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/api" || r.URL.Path == "/apis" {
		d.mu.Lock()
		d.n++
		d.mu.Unlock()
	}
	return d.rt.RoundTrip(r)
}

func (d *discoveryCounter) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n
}

// TestEnvtestSessionHasOneClientStack: the exercise environment and the
// grader of a session share one client stack, so that setting an exercise
// up and grading it discover the API once, not once each.
func TestEnvtestSessionHasOneClientStack(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	dir := t.TempDir()
	path, kctx, err := et.WriteKubeconfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := lab.New(lab.Config{StateDir: filepath.Join(dir, "state"), Kubeconfig: path, Context: kctx, AllowForeign: true})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := l.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	var counter discoveryCounter
	rc.Wrap(func(rt http.RoundTripper) http.RoundTripper { counter.rt = rt; return &counter })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := connect(ctx, l, rc)
	if err != nil {
		t.Fatal(err)
	}
	var ex lessons.Exercise
	if err := yaml.Unmarshal([]byte(`
namespaces: [one-stack]
setup:
  - apply: |
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: start}
checks:
  - {id: start, title: t, message: m, exists: ConfigMap/start}
`), &ex); err != nil {
		t.Fatal(err)
	}
	ex.ID = "test/one-stack"
	if err := s.Env.Setup(ctx, &ex); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Env.Cleanup(context.Background(), &ex) })
	if r := s.Grader.Evaluate(ctx, &ex); r.Results[0].Status != result.Pass {
		t.Fatalf("grade: %+v", r.Results)
	}
	if n := counter.count(); n > 2 {
		t.Errorf("%d discovery requests (GET /api, /apis) for one setup and one grade, want one of each", n)
	}
}
