package checks

import (
	"context"
	"testing"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestFailureMessagesNameWhatDiffers: a failed comparison says the one
// field that differs, shows empty selectors and multi-line output, and
// never stutters ("expected expected …").
func TestFailureMessagesNameWhatDiffers(t *testing.T) {
	const fixture = podsFixture + `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: v1
kind: Pod
metadata: {name: mounts}
spec:
  containers:
  - name: web
    image: nginx:1.27
    volumeMounts: [{name: cache, mountPath: /cache}, {name: html, mountPath: /html}]
`
	tests := []struct {
		name  string
		exec  map[string]ExecResult
		check string
		want  string
	}{
		{"list item by name", nil, `{field: {object: Deployment/web, path: ".spec.template.spec.containers[0].env", has: [{name: MODE, value: dev}]}}`,
			`Deployment web .spec.template.spec.containers[0].env[0].value: expected "dev", found "prod"`},
		{"list item by closest match", nil, `{container: {object: Pod/mounts, name: web, volumeMounts: [{name: html, mountPath: /usr/share/nginx/html}]}}`,
			`container web of Pod mounts: volumeMounts[1].mountPath: expected "/usr/share/nginx/html", found "/html"`},
		{"list item with no counterpart", nil, `{container: {object: Pod/mounts, name: web, volumeMounts: [{name: logs, mountPath: /var/log}]}}`,
			`container web of Pod mounts: volumeMounts: no item with name "logs" (found cache, html)`},
		{"list item in field includes", nil, `{field: {object: Deployment/web, path: ".spec.template.spec.containers[0].env", includes: [{name: MODE, value: dev}]}}`,
			`Deployment web .spec.template.spec.containers[0].env[0].value: expected "dev", found "prod"`},
		{"nested map in field has", nil, `{field: {object: Deployment/web, path: ".spec.template.spec.containers[0].readinessProbe", has: {httpGet: {path: /healthz}}}}`,
			`Deployment web .spec.template.spec.containers[0].readinessProbe.httpGet.path: expected "/healthz", found "/"`},
		{"empty selector", nil, `{selects: {object: NetworkPolicy/all, path: .spec.podSelector, pods: app=web, only: true}}`,
			`NetworkPolicy all's selector {} (empty: it selects every pod) also selects pod bare, which it should not`},
		{"multi-line output of a failed command", map[string]ExecResult{"nslookup legacy.lab.internal": {ExitCode: 1,
			Stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n", Stderr: "** server can't find legacy.lab.internal: NXDOMAIN\n"}},
			`{exec: {pod: bare, command: [nslookup, legacy.lab.internal], stdout: {contains: 10.10.10.10}}}`,
			"`nslookup legacy.lab.internal` in pod bare failed with exit code 1; its output:\n" +
				"  Server:\t\t10.96.0.10\n  Address:\t10.96.0.10:53\n  ** server can't find legacy.lab.internal: NXDOMAIN"},
		{"multi-line output without the expected text", map[string]ExecResult{"nslookup web": {
			Stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.ns1.svc.cluster.local\nAddress: 10.96.0.7\n"}},
			`{exec: {pod: bare, command: [nslookup, web], stdout: {contains: 10.96.0.8}}}`,
			"`nslookup web` in pod bare did not print text containing \"10.96.0.8\"; its output:\n" +
				"  Server:\t\t10.96.0.10\n  Address:\t10.96.0.10:53\n\n  Name:\tweb.ns1.svc.cluster.local\n  Address: 10.96.0.7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, fixture)
			for k, v := range tc.exec {
				fx.exec.results[k] = v
			}
			r := fx.grade(t, tc.check)
			if r.Status != result.Fail || r.Detail != tc.want {
				t.Fatalf("got %s\n%s\nwant\n%s", r.Status, r.Detail, tc.want)
			}
		})
	}
	t.Run("long output is bounded", func(t *testing.T) {
		fx := newFixture(t, fixture)
		long := ""
		for i := 0; i < 30; i++ {
			long += "line\n"
		}
		fx.exec.results["cat /log"] = ExecResult{ExitCode: 2, Stdout: long}
		r := fx.grade(t, `{exec: {pod: bare, command: [cat, /log]}}`)
		want := "`cat /log` in pod bare failed with exit code 2; its output:\n" +
			"  line\n  line\n  line\n  line\n  line\n  line\n  line\n  line\n  line\n  line\n  … (20 more lines)"
		if r.Detail != want {
			t.Fatalf("got\n%s\nwant\n%s", r.Detail, want)
		}
	})
}

// TestMissingObjectNamedOnce: when several checks fail because one object
// does not exist, the first says so and the others point at it.
func TestMissingObjectNamedOnce(t *testing.T) {
	fx := newFixture(t, podsFixture)
	ex := &lessons.Exercise{ID: "l/e", Namespaces: []lessons.Namespace{{Name: "ns1"}}, Checks: []lessons.Check{
		parseCheck(t, `{id: exists, exists: Pod/graceful}`),
		parseCheck(t, `{id: image, message: pod graceful needs image nginx:1.27, container: {object: Pod/graceful, name: web, image: nginx:1.27}}`),
		parseCheck(t, `{id: grace, field: {object: Pod/graceful, path: .spec.terminationGracePeriodSeconds, equals: 45}}`),
		parseCheck(t, `{id: other, exists: Deployment/api}`),
		parseCheck(t, `{id: ran, exec: {pod: graceful, command: [cat, /started]}}`),
	}}
	rep := NewGrader(fx.env).Evaluate(context.Background(), ex)
	want := []string{
		`Pod "graceful" not found in namespace ns1`,
		`needs Pod graceful, which does not exist`,
		`needs Pod graceful, which does not exist`,
		`Deployment "api" not found in namespace ns1`,
		`needs Pod graceful, which does not exist`,
	}
	for i, r := range rep.Results {
		if r.Status != result.Fail || r.Detail != want[i] {
			t.Errorf("%s: got %s %q, want fail %q", r.ID, r.Status, r.Detail, want[i])
		}
	}
	if rep.Results[1].Message != "pod graceful needs image nginx:1.27" {
		t.Errorf("the author's message must stay: %q", rep.Results[1].Message)
	}
}
