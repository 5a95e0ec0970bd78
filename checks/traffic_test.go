package checks

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestSampleScriptRunsEveryRequest runs the sampling script under a real
// sh with a stand-in wget that answers v1, v1, fails, v2 in turn, and
// reads the output back as the grader does.
func TestSampleScriptRunsEveryRequest(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	fake := `#!/bin/sh
n=$(cat "$STATE" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$STATE"
case $n in 3) echo "wget: server returned error: HTTP/1.1 503 Service Unavailable" >&2; exit 1;; 4) printf 'version v2';; *) printf 'version v1\nsecond line\n';; esac
for a in "$@"; do printf '%s|' "$a" >> "$ARGS"; done; echo >> "$ARGS"
`
	if err := os.WriteFile(filepath.Join(dir, "wget"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	h := &lessons.HTTPCheck{URL: "http://traefik.traefik/", Headers: map[string]string{"Host": "app.lab.local"}}
	args := append([]string{"-c", sampleScript, "sh", "4", sampleMark}, wgetArgs(h, 0)...)
	cmd := exec.Command(sh, args...)
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "STATE="+filepath.Join(dir, "n"), "ARGS="+filepath.Join(dir, "args"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("sample script: %v", err)
	}
	bodies, failed := splitSample(string(out))
	if failed != 1 || len(bodies) != 3 || bodies[0] != "version v1\nsecond line\n" || bodies[2] != "version v2" {
		t.Fatalf("splitSample = %q, %d failed; want 3 bodies (v1, v1, v2) and 1 failure", bodies, failed)
	}
	calls, _ := os.ReadFile(filepath.Join(dir, "args"))
	if want := "-qO-|-T|1|--header|Host: app.lab.local|http://traefik.traefik/|"; !strings.HasPrefix(string(calls), want) {
		t.Errorf("wget got %q, want %q", calls, want)
	}
}

func TestHTTPHeadersSampleAndHTTPS(t *testing.T) {
	sample := func(bodies ...string) ExecResult {
		var b strings.Builder
		for _, body := range bodies {
			status := "ok"
			if body == "FAIL" {
				status, body = "fail", ""
			}
			b.WriteString(body + "\n" + sampleMark + " " + status + "\n")
		}
		return ExecResult{Stdout: b.String(), Stderr: "wget: server returned error: HTTP/1.1 404 Not Found\n"}
	}
	key := func(n string, args ...string) string {
		return strings.Join(append([]string{"sh", "-c", sampleScript, "sh", n, sampleMark}, args...), " ")
	}
	repeat := func(n int, s string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = s
		}
		return out
	}
	split := `{http: {from: client, url: "http://traefik.traefik/", headers: {Host: app.lab.local},
	  sample: {requests: 10, shares: [{expect: v1, atLeast: 0.7, atMost: 0.97}, {expect: v2, atLeast: 0.03, atMost: 0.3}]}}}`
	sampleKey := key("10", "-qO-", "-T", "3", "--header", "Host: app.lab.local", "http://traefik.traefik/")
	tests := []struct {
		name   string
		exec   map[string]ExecResult
		check  string
		status result.Status
		detail string
	}{
		{"host header sent", map[string]ExecResult{"wget -qO- -T 3 --header Host: shop.lab.local http://traefik.traefik/": {Stdout: "Welcome to nginx!"}},
			`{http: {from: client, url: "http://traefik.traefik/", headers: {Host: shop.lab.local}, expect: Welcome}}`, result.Pass, ""},
		{"404 through a router explained", map[string]ExecResult{"wget -qO- -T 3 --header Host: shop.lab.local http://traefik.traefik/": {ExitCode: 1, Stderr: "wget: server returned error: HTTP/1.1 404 Not Found"}},
			`{http: {from: client, url: "http://traefik.traefik/", headers: {Host: shop.lab.local}}}`, result.Fail,
			"pod client cannot reach http://traefik.traefik/ (Host: shop.lab.local): wget: server returned error: HTTP/1.1 404 Not Found (behind an ingress controller: no Ingress or HTTPRoute it serves matches this host and path; else the backend has no such page)"},
		{"https skips busybox's certificate note", map[string]ExecResult{"wget -qO- -T 3 --no-check-certificate --header Host: shop.lab.local https://traefik.traefik/": {Stdout: "Welcome to nginx!"}},
			`{http: {from: client, url: "https://traefik.traefik/", headers: {Host: shop.lab.local}, expect: Welcome}}`, result.Pass, ""},
		{"split 90/10 in band", map[string]ExecResult{sampleKey: sample(append(repeat(9, "version v1"), "version v2")...)}, split, result.Pass, ""},
		{"split 50/50 out of band", map[string]ExecResult{sampleKey: sample(append(repeat(5, "version v1"), repeat(5, "version v2")...)...)}, split, result.Fail,
			`of 10 responses from http://traefik.traefik/ (Host: app.lab.local) to pod client: "v1" 5 (50 %), "v2" 5 (50 %); expected "v1" in 70–97 %, "v2" in 3–30 %`},
		{"split all to v1", map[string]ExecResult{sampleKey: sample(repeat(10, "version v1")...)}, split, result.Fail,
			`of 10 responses from http://traefik.traefik/ (Host: app.lab.local) to pod client: "v1" 10 (100 %), "v2" 0 (0 %); expected "v1" in 70–97 %, "v2" in 3–30 %`},
		{"split with failed requests", map[string]ExecResult{sampleKey: sample(append(repeat(9, "version v1"), "FAIL")...)}, split, result.Fail,
			"1 of 10 requests from pod client to http://traefik.traefik/ (Host: app.lab.local) failed: wget: server returned error: HTTP/1.1 404 Not Found (behind an ingress controller: no Ingress or HTTPRoute it serves matches this host and path; else the backend has no such page)"},
		{"split cut short is an environment error", map[string]ExecResult{sampleKey: sample(repeat(4, "version v1")...)}, split, result.Error, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, podsFixture)
			for k, v := range tc.exec {
				fx.exec.results[k] = v
			}
			r := fx.grade(t, tc.check)
			if r.Status != tc.status || (tc.detail != "" && r.Detail != tc.detail) {
				t.Fatalf("got %s %q, want %s %q", r.Status, r.Detail, tc.status, tc.detail)
			}
		})
	}
	t.Run("a sample is one exec", func(t *testing.T) {
		fx := newFixture(t, podsFixture)
		fx.exec.results[sampleKey] = sample(append(repeat(9, "version v1"), "version v2")...)
		fx.grade(t, split)
		if len(fx.exec.calls) != 1 {
			t.Errorf("sample ran %d execs, want 1", len(fx.exec.calls))
		}
	})
}

func TestParentCondition(t *testing.T) {
	route := func(status string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(`{apiVersion: gateway.networking.k8s.io/v1, kind: HTTPRoute, metadata: {name: r}, status: `+status+`}`), &u.Object); err != nil {
			t.Fatal(err)
		}
		return u
	}
	accepted := `{parents: [{parentRef: {name: gw}, controllerName: traefik.io/gateway-controller, conditions: [{type: Accepted, status: "True", reason: Accepted}, {type: ResolvedRefs, status: "True", reason: ResolvedRefs}]}]}`
	tests := []struct {
		name, status string
		check        lessons.ConditionCheck
		pass         bool
		detail       string
	}{
		{"accepted", accepted, lessons.ConditionCheck{Type: "Accepted", Parent: "gw"}, true, ""},
		{"resolved with reason", accepted, lessons.ConditionCheck{Type: "ResolvedRefs", Parent: "gw", Reason: "ResolvedRefs"}, true, ""},
		{"other parent only", accepted, lessons.ConditionCheck{Type: "Accepted", Parent: "lab-gw"}, false,
			"HTTPRoute r has no status for parent lab-gw: no controller has taken up the route there yet (check its parentRefs, and that the Gateway's class has a controller)"},
		{"not accepted, with reason", `{parents: [{parentRef: {name: gw, sectionName: https}, conditions: [{type: Accepted, status: "False", reason: NoMatchingParent, message: no listener https}]}]}`,
			lessons.ConditionCheck{Type: "Accepted", Parent: "gw"}, false, "HTTPRoute r, parent gw section https: condition Accepted is False, expected True (reason NoMatchingParent: no listener https)"},
		{"every entry of the parent counts", `{parents: [{parentRef: {name: gw, sectionName: http}, conditions: [{type: Accepted, status: "True"}]}, {parentRef: {name: gw, sectionName: web}, conditions: [{type: Accepted, status: "False", reason: NotAllowedByListeners}]}]}`,
			lessons.ConditionCheck{Type: "Accepted", Parent: "gw"}, false, "HTTPRoute r, parent gw section web: condition Accepted is False, expected True (reason NotAllowedByListeners)"},
		{"condition missing", `{parents: [{parentRef: {name: gw}, conditions: []}]}`, lessons.ConditionCheck{Type: "ResolvedRefs", Parent: "gw"}, false, "HTTPRoute r, parent gw has no ResolvedRefs condition yet"},
		{"status False wanted", `{parents: [{parentRef: {name: gw}, conditions: [{type: ResolvedRefs, status: "False", reason: BackendNotFound}]}]}`,
			lessons.ConditionCheck{Type: "ResolvedRefs", Parent: "gw", Status: "False"}, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.check.Status
			if want == "" {
				want = "True"
			}
			pass, detail, err := parentCondition("HTTPRoute r", route(tc.status), &tc.check, want)
			if err != nil || pass != tc.pass || detail != tc.detail {
				t.Fatalf("got %v %q %v, want %v %q", pass, detail, err, tc.pass, tc.detail)
			}
		})
	}
}
