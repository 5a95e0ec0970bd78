package checks

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kubedojo/kubedojo/checks/result"
)

const crashFixture = `
apiVersion: v1
kind: Pod
metadata: {name: crashy}
spec: {containers: [{name: app, image: busybox:1.36}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "False"}]
  containerStatuses:
  - name: app
    ready: false
    restartCount: 4
    image: busybox:1.36
    imageID: ""
    state: {waiting: {reason: CrashLoopBackOff}}
    lastState: {terminated: {exitCode: 1, reason: Error}}
---
apiVersion: v1
kind: Pod
metadata: {name: pair}
spec: {containers: [{name: web, image: nginx:1.27}, {name: once, image: busybox:1.36}]}
status:
  phase: Running
  containerStatuses:
  - {name: web, ready: true, restartCount: 0, image: nginx:1.27, imageID: "", state: {running: {}}}
  - {name: once, ready: false, restartCount: 0, image: busybox:1.36, imageID: "", state: {terminated: {exitCode: 0, reason: Completed}}}
`

// TestExecIntoAStoppedContainerIsAFailure: a command cannot run in a
// container that exited or crash-loops; that is the learner's state (a
// failure naming it), not an environment problem.
func TestExecIntoAStoppedContainerIsAFailure(t *testing.T) {
	tests := []struct{ name, check, detail string }{
		{"crash loop", `{exec: {pod: crashy, command: [cat, /tmp/out]}}`,
			"container app of pod crashy is waiting: CrashLoopBackOff (last exit code 1, restarted 4 times); commands can only run in a running container"},
		{"exited container", `{exec: {pod: pair, container: once, command: [cat, /tmp/out]}}`,
			"container once of pod pair terminated: Completed (exit code 0); commands can only run in a running container"},
		{"http from a crash-looping client", `{http: {from: crashy, url: "http://web"}}`,
			"container app of pod crashy is waiting: CrashLoopBackOff (last exit code 1, restarted 4 times); commands can only run in a running container"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, crashFixture)
			r := fx.grade(t, tc.check)
			if r.Status != result.Fail || r.Detail != tc.detail {
				t.Fatalf("got %s %q, want fail %q", r.Status, r.Detail, tc.detail)
			}
			if len(fx.exec.calls) != 0 {
				t.Errorf("ran %v in a stopped container", fx.exec.calls)
			}
		})
	}
	t.Run("container stops during the exec", func(t *testing.T) {
		fx := newFixture(t, crashFixture)
		fx.exec.err = envErrorf("exec in pod pair: container not found (\"web\")")
		// The pod's status catches up while the command is refused.
		fx.exec.hook = func() {
			gvr := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
			u, err := fx.env.Dynamic.Resource(gvr).Namespace("ns1").Get(context.Background(), "pair", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			statuses, _, _ := unstructured.NestedSlice(u.Object, "status", "containerStatuses")
			web := statuses[0].(map[string]any)
			web["state"] = map[string]any{"terminated": map[string]any{"exitCode": int64(137), "reason": "Error"}}
			web["restartCount"] = int64(2)
			_ = unstructured.SetNestedSlice(u.Object, statuses, "status", "containerStatuses")
			if _, err := fx.env.Dynamic.Resource(gvr).Namespace("ns1").Update(context.Background(), u, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		r := fx.grade(t, `{exec: {pod: pair, container: web, command: [cat, /tmp/out]}}`)
		want := "container web of pod pair terminated: Error (exit code 137), restarted 2 times; commands can only run in a running container"
		if r.Status != result.Fail || r.Detail != want {
			t.Fatalf("got %s %q, want fail %q", r.Status, r.Detail, want)
		}
	})
	t.Run("other exec errors stay environment errors", func(t *testing.T) {
		fx := newFixture(t, crashFixture)
		fx.exec.err = envErrorf("exec in pod pair: the API server is unreachable")
		if r := fx.grade(t, `{exec: {pod: pair, container: web, command: [cat, /tmp/out]}}`); r.Status != result.Error {
			t.Fatalf("got %s %q, want an environment error", r.Status, r.Detail)
		}
	})
}
