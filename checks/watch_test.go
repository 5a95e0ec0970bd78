package checks

import (
	"context"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestWatchReportsEachCheckAsSoonAsItHasAResult: a change re-grades a
// field check and a command (a command re-runs on every change); the
// field check's new result is reported while the command still runs, not
// after it.
func TestWatchReportsEachCheckAsSoonAsItHasAResult(t *testing.T) {
	fx := newFixture(t, convergeFixture)
	fx.exec.results["cat /tmp/out"] = ExecResult{Stdout: "y"}
	var mu sync.Mutex
	var blocked chan struct{}
	fx.exec.hook = func() {
		mu.Lock()
		b := blocked
		mu.Unlock()
		if b != nil {
			<-b
		}
	}
	ex := convergeExercise(t,
		`{id: mode, field: {object: ConfigMap/settings, path: .data.mode, equals: prod}}`,
		`{id: out, exec: {pod: client, command: [cat, /tmp/out], stdout: {equals: x}}}`)
	reports := make(chan result.Report, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewGrader(fx.env).Watch(ctx, ex, func(r result.Report) { reports <- r }) }()
	release := make(chan struct{})
	defer func() { close(release); cancel(); <-done }()
	if first := <-reports; first.Results[0].Status != result.Fail {
		t.Fatalf("initial report: %+v", first.Results)
	}

	mu.Lock()
	blocked = release
	mu.Unlock()
	cms := fx.env.Dynamic.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace("ns1")
	u, err := cms.Get(ctx, "settings", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = unstructured.SetNestedField(u.Object, "prod", "data", "mode")
	if _, err := cms.Update(ctx, u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Waits for an event (the report), bounded only so that a regression
	// fails instead of hanging: the command is released only afterwards.
	deadline := time.After(30 * time.Second)
	for {
		select {
		case r := <-reports:
			if r.Results[0].Status == result.Pass {
				return
			}
		case <-deadline:
			t.Fatal("the field check's result was not reported while the command ran")
		}
	}
}

// TestWatchTrimsWhatNoCheckReads: a watch's cache drops managed fields and
// kubectl apply's record unless a check reads them.
func TestWatchTrimsWhatNoCheckReads(t *testing.T) {
	obj := func() *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetName("app-config")
		u.SetAnnotations(map[string]string{lastApplied: `{"data":{"color":"blue"}}`, "team": "blue"})
		u.SetManagedFields([]metav1.ManagedFieldsEntry{{Manager: "kubectl-client-side-apply", Operation: metav1.ManagedFieldsOperationUpdate}})
		return u
	}
	tests := []struct {
		check                    string
		keepsManaged, keepsApply bool
	}{
		{`{field: {object: ConfigMap/app-config, path: .data.color, equals: blue}}`, false, false},
		{`{field: {object: ConfigMap/app-config, path: '{.metadata.managedFields[*].manager}', includes: [kubectl-client-side-apply]}}`, true, false},
		{`{field: {object: ConfigMap/app-config, path: '{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}', decode: [json], then: .data.color, equals: blue}}`, false, true},
		{`{unchanged: {object: ConfigMap/app-config}}`, true, true},
	}
	for _, tc := range tests {
		ex := &lessons.Exercise{ID: "l/e", Checks: []lessons.Check{parseCheck(t, tc.check)}}
		out, err := trimmedFor(ex)(obj())
		if err != nil {
			t.Fatal(err)
		}
		u := out.(*unstructured.Unstructured)
		if got := len(u.GetManagedFields()) > 0; got != tc.keepsManaged {
			t.Errorf("%s: managed fields kept: %v", tc.check, got)
		}
		if got := u.GetAnnotations()[lastApplied] != ""; got != tc.keepsApply {
			t.Errorf("%s: last-applied kept: %v", tc.check, got)
		}
		if u.GetAnnotations()["team"] != "blue" {
			t.Errorf("%s: another annotation was dropped", tc.check)
		}
	}
}
