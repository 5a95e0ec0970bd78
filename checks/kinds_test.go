package checks

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
)

const podsFixture = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, uid: dep-uid, generation: 2}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.277
        ports: [{containerPort: 80, name: http}]
        readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 5}
        env: [{name: MODE, value: prod}, {name: USER, valueFrom: {secretKeyRef: {name: cred, key: user}}}]
        resources: {requests: {cpu: 100m, memory: 128Mi}}
status: {observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 1}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-7c9d
  uid: rs-uid
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: dep-uid, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.277}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-7c9d-a1
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9d, uid: rs-uid, controller: true}]
spec: {containers: [{name: web, image: nginx:1.277, ports: [{containerPort: 80, name: http}]}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "True", lastTransitionTime: "2026-11-25T11:59:00Z"}]
  containerStatuses: [{name: web, ready: true, restartCount: 0, image: nginx:1.277, imageID: "", state: {running: {}}}]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-7c9d-x2
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9d, uid: rs-uid, controller: true}]
spec: {containers: [{name: web, image: nginx:1.277, ports: [{containerPort: 80, name: http}]}]}
status:
  phase: Pending
  conditions: [{type: Ready, status: "False"}]
  containerStatuses: [{name: web, ready: false, restartCount: 0, image: nginx:1.277, imageID: "", state: {waiting: {reason: ImagePullBackOff}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: bare, labels: {app: bare}}
spec: {containers: [{name: c, image: busybox:1.36}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "True", lastTransitionTime: "2026-11-25T11:59:50Z"}]
  containerStatuses:
  - name: c
    ready: true
    restartCount: 3
    image: busybox:1.36
    imageID: ""
    state: {running: {}}
    lastState: {terminated: {exitCode: 42, reason: Error}}
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {role: client}}
spec: {containers: [{name: client, image: busybox:1.36}]}
status: {phase: Running}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 8080, targetPort: http, nodePort: 30080}]
  type: NodePort
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
endpoints:
- {addresses: [10.0.0.1], conditions: {ready: true}}
- {addresses: [10.0.0.2], conditions: {ready: false}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: answers}
data: {phase: " running ", code: "42", fqdn: api.ns1.svc.cluster.local}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, labels: {env: prod}, annotations: {owner: alice}}
data: {mode: dev}
---
apiVersion: v1
kind: Secret
metadata: {name: regcred}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJ1c2VybmFtZSI6ImxhYiIsInBhc3N3b3JkIjoiczNjcmV0In19fQ==
---
apiVersion: batch/v1
kind: Job
metadata: {name: keys}
spec:
  template: {spec: {restartPolicy: Never, containers: [{name: keys, image: busybox:1.36}]}}
status:
  conditions: [{type: Failed, status: "True", reason: BackoffLimitExceeded, message: Job has reached the specified backoff limit}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}
---
apiVersion: v1
kind: Node
metadata: {name: node1}
status: {nodeInfo: {kubeletVersion: v1.33.13}}
`

func TestCheckKinds(t *testing.T) {
	tests := []struct {
		name   string
		check  string
		status result.Status
		detail string
	}{
		{"exists pass", `{exists: Deployment/web}`, result.Pass, ""},
		{"exists fail", `{exists: Deployment/api}`, result.Fail, `Deployment "api" not found in namespace ns1`},
		{"exists cluster-scoped", `{exists: Node/node1}`, result.Pass, ""},
		{"exists by selector fail", `{exists: {kind: ConfigMap, selector: env=dev}}`, result.Fail, "found no ConfigMaps matching env=dev in ns1"},
		{"absent fail", `{absent: Pod/bare}`, result.Fail, "Pod still exists: bare"},
		{"absent pass", `{absent: Pod/gone}`, result.Pass, ""},
		{"unknown kind is an error", `{exists: {kind: Backup, apiVersion: lab.example.com/v1, name: x}}`, result.Error, ""},

		{"field equals pass", `{field: {object: ConfigMap/settings, path: .data.mode, equals: dev}}`, result.Pass, ""},
		{"field equals fail", `{field: {object: ConfigMap/settings, path: .data.mode, equals: prod}}`, result.Fail, `ConfigMap settings .data.mode: expected "prod", found "dev"`},
		{"field missing", `{field: {object: ConfigMap/settings, path: .metadata.labels.team, equals: blue}}`, result.Fail, `ConfigMap settings .metadata.labels.team: expected "blue", found nothing`},
		{"field annotation", `{field: {object: ConfigMap/settings, path: .metadata.annotations.owner, equals: alice}}`, result.Pass, ""},
		{"field number vs string", `{field: {object: Deployment/web, path: .spec.replicas, equals: "3"}}`, result.Pass, ""},
		{"field atLeast", `{field: {object: Deployment/web, path: .spec.replicas, atLeast: 4}}`, result.Fail, "Deployment web .spec.replicas: expected at least 4, found 3"},
		{"field quantity", `{field: {object: Deployment/web, path: ".spec.template.spec.containers[0].resources.requests.memory", equals: 134217728, quantity: true}}`, result.Pass, ""},
		{"field has subset", `{field: {object: Deployment/web, path: ".spec.template.spec.containers[0].readinessProbe", has: {httpGet: {path: /}}}}`, result.Pass, ""},
		{"field includes", `{field: {object: Deployment/web, path: ".spec.template.spec.containers[*].name", includes: [web]}}`, result.Pass, ""},
		{"field equalsSet fail", `{field: {object: Deployment/web, path: ".spec.template.spec.containers[*].name", equalsSet: [web, helper]}}`, result.Fail, `Deployment web .spec.template.spec.containers[*].name: expected exactly ["web","helper"] in any order, found "web"`},
		{"field decode secret", `{field: {object: Secret/regcred, path: '{.data.\.dockerconfigjson}', decode: [base64, json], then: '{.auths.registry\.example\.com.username}', equals: lab}}`, result.Pass, ""},
		{"field each object", `{field: {object: {kind: ConfigMap, selector: env=prod}, path: .metadata.labels.archived, equals: "true"}}`, result.Fail, `ConfigMap settings .metadata.labels.archived: expected "true", found nothing`},
		{"field live value", `{field: {object: Node/node1, path: .status.nodeInfo.kubeletVersion, matches: '^v1\.33\.'}}`, result.Pass, ""},

		{"condition fail with reason", `{condition: {object: Job/keys, type: Complete}}`, result.Fail, "Job keys has no Complete condition yet"},
		{"condition reason", `{condition: {object: Job/keys, type: Failed, reason: BackoffLimitExceeded}}`, result.Pass, ""},

		{"workload not ready explains pod", `{workload: {object: Deployment/web, replicas: 3}}`, result.Fail, `deployment web: 1/3 replicas ready; pod web-7c9d-x2 is waiting: ImagePullBackOff (image "nginx:1.277")`},
		{"workload wrong replica count", `{workload: {object: Deployment/web, replicas: 2}}`, result.Fail, "deployment web wants 3 replicas, expected 2"},
		{"pods owned by deployment", `{pods: {selector: app=web, ownedBy: {kind: Deployment, name: web}}}`, result.Pass, ""},
		{"bare pod does not pass ownership", `{pods: {selector: app=bare, ownedBy: {kind: Deployment, name: bare}}}`, result.Fail, "pod bare has no controller: it was created by hand, not by Deployment bare"},
		{"pods ready fails on pending", `{pods: {selector: app=web, ready: true}}`, result.Fail, `pod web-7c9d-x2 is waiting: ImagePullBackOff (image "nginx:1.277")`},
		{"pods count", `{pods: {selector: app=web, count: 3}}`, result.Fail, "expected 3 pods with app=web in ns1, found 2 (web-7c9d-a1, web-7c9d-x2)"},
		{"pods restarts", `{pods: {selector: app=bare, maxRestarts: 0}}`, result.Fail, "container c of pod bare was restarted 3 times (at most 0 allowed); last exit: Error (code 42)"},
		{"pods readyFor", `{pods: {selector: app=bare, readyFor: 20s}}`, result.Fail, "pod bare has been ready for 10s; it must stay ready for 20s"},

		{"container image fail", `{container: {object: Deployment/web, name: web, image: nginx:1.27}}`, result.Fail, `container web of Deployment web uses image "nginx:1.277", expected "nginx:1.27"`},
		{"container missing", `{container: {object: Deployment/web, name: helper}}`, result.Fail, "Deployment web has no container entry named helper (found: web)"},
		{"container named probe port", `{container: {object: Deployment/web, name: web, readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}}}`, result.Pass, ""},
		{"container probe period", `{container: {object: Deployment/web, name: web, readinessProbe: {periodSeconds: 10}}}`, result.Fail, "container web of Deployment web: readinessProbe.periodSeconds: expected 10, found 5"},
		{"container env", `{container: {object: Deployment/web, name: web, env: {MODE: prod, USER: {valueFrom: {secretKeyRef: {name: cred, key: user}}}}}}`, result.Pass, ""},
		{"container env literal vs from", `{container: {object: Deployment/web, name: web, env: {USER: admin}}}`, result.Fail, `container web of Deployment web: env USER comes from {"secretKeyRef":{"key":"user","name":"cred"}}, expected the value "admin"`},
		{"container resources quantities", `{container: {object: Deployment/web, name: web, resources: {requests: {cpu: "0.1", memory: 134217728}}}}`, result.Pass, ""},
		{"container ports", `{container: {object: Deployment/web, name: web, ports: [80, 443]}}`, result.Fail, "container web of Deployment web does not declare containerPort 443"},

		{"service pass", `{service: {name: web, type: NodePort, port: 8080, targetPort: 80, nodePort: 30080}}`, result.Pass, ""},
		{"service wrong target", `{service: {name: web, port: 8080, targetPort: 8080}}`, result.Fail, "Service web port 8080 sends traffic to container port 80 (targetPort http), expected 8080"},
		{"service endpoints", `{service: {name: web, readyEndpoints: 2}}`, result.Fail, "Service web has 1 ready endpoint(s) (of 2), expected 2"},
		{"service selects exactly", `{service: {name: web, selects: app=web}}`, result.Pass, ""},
		{"service missing", `{service: {name: db}}`, result.Fail, `Service "db" not found in namespace ns1`},
		{"selects policy", `{selects: {object: NetworkPolicy/db, path: .spec.podSelector, pods: app=web, only: true}}`, result.Pass, ""},
		{"selects policy wrong", `{selects: {object: NetworkPolicy/db, path: .spec.podSelector, pods: app=bare, only: true}}`, result.Fail, "NetworkPolicy db's selector app=web does not select pod bare (labels app=bare)"},

		{"answer trimmed case-insensitive", `{answer: {key: phase, equals: Running, caseInsensitive: true}}`, result.Pass, ""},
		{"answer wrong never reveals", `{answer: {key: code, equals: 43}}`, result.Fail, "answers[code] = '42' is not correct"},
		{"answer missing key", `{answer: {key: mode, equals: x}}`, result.Fail, "answers has no key 'mode'"},
		{"answer live value", `{answer: {key: phase, equals: {from: {object: Pod/bare, path: .status.phase}}, caseInsensitive: true}}`, result.Pass, ""},
		{"answer live value from a missing object fails", `{answer: {key: phase, equals: {from: {object: Pod/nope, path: .status.phase}}}}`, result.Fail, `cannot compare yet: Pod "nope" not found in namespace ns1 (the expected value is read from it)`},

		{"allOf reports failing child", `{allOf: [{exists: Deployment/web}, {exists: Deployment/api, message: api is missing}]}`, result.Fail, `api is missing (Deployment "api" not found in namespace ns1)`},
		{"anyOf passes on one", `{anyOf: [{exists: Deployment/api}, {exists: Deployment/web}]}`, result.Pass, ""},
		{"anyOf fails with all", `{anyOf: [{exists: Deployment/api}, {exists: Deployment/db}]}`, result.Fail, `Deployment "api" not found in namespace ns1; or Deployment "db" not found in namespace ns1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture(t, podsFixture)
			r := fx.grade(t, tc.check)
			if r.Status != tc.status {
				t.Fatalf("status = %s, want %s (detail: %s)", r.Status, tc.status, r.Detail)
			}
			if tc.detail != "" && r.Detail != tc.detail {
				t.Errorf("detail =\n  %s\nwant\n  %s", r.Detail, tc.detail)
			}
			if r.Status == result.Fail && r.Detail == "" {
				t.Errorf("a failure must say what was found")
			}
		})
	}
}

func TestExecHTTPAndLogs(t *testing.T) {
	tests := []struct {
		name   string
		exec   map[string]ExecResult
		check  string
		status result.Status
		detail string
	}{
		{"exec stdout equals", map[string]ExecResult{"cat /tmp/out": {Stdout: "hello from greeter\n"}},
			`{exec: {pod: bare, command: [cat, /tmp/out], stdout: {equals: hello from greeter}}}`, result.Pass, ""},
		{"exec stdout wrong", map[string]ExecResult{"cat /tmp/out": {Stdout: "hello from x"}},
			`{exec: {pod: bare, command: [cat, /tmp/out], stdout: {equals: hello from greeter}}}`, result.Fail, "`cat /tmp/out` in pod bare printed \"hello from x\", expected \"hello from greeter\""},
		{"exec non-zero exit", map[string]ExecResult{"id -u": {ExitCode: 1, Stderr: "boom"}},
			`{exec: {pod: bare, command: [id, -u]}}`, result.Fail, "`id -u` in pod bare failed with exit code 1: boom"},
		{"exec fails expected", map[string]ExecResult{"touch /probe": {ExitCode: 1}},
			`{exec: {pod: bare, command: [touch, /probe], fails: true}}`, result.Pass, ""},
		{"exec answer substitution", map[string]ExecResult{"nslookup api.ns1.svc.cluster.local": {Stdout: "Address: 10.96.0.5"}},
			`{exec: {pod: bare, command: [nslookup, "{{answer:fqdn}}"], stdout: {contains: 10.96.0.5}}}`, result.Pass, ""},
		{"exec missing pod", nil, `{exec: {pod: gone, command: [true]}}`, result.Fail, `Pod "gone" not found in namespace ns1`},
		{"exec pending pod", nil, `{exec: {pod: web-7c9d-x2, command: [true]}}`, result.Fail, `pod web-7c9d-x2 is waiting: ImagePullBackOff (image "nginx:1.277"); commands can only run in a running pod`},
		{"http ok", map[string]ExecResult{"wget -qO- -T 3 http://web:8080": {Stdout: "<h1>Welcome to nginx!</h1>"}},
			`{http: {from: client, url: "http://web:8080", expect: Welcome to nginx}}`, result.Pass, ""},
		{"http timeout explained", map[string]ExecResult{"wget -qO- -T 3 http://web:8080": {ExitCode: 1, Stderr: "wget: download timed out"}},
			`{http: {from: client, url: "http://web:8080", expect: Welcome}}`, result.Fail, "pod client cannot reach http://web:8080: wget: download timed out (no answer: no ready endpoints, a wrong targetPort, or a NetworkPolicy dropping traffic)"},
		{"http blocked but reachable", map[string]ExecResult{"wget -qO- -T 3 http://web": {Stdout: "ok"}},
			`{http: {from: client, url: "http://web", blocked: true}}`, result.Fail, "pod client reached http://web (the request succeeded; it must be blocked)"},
		{"http blocked", map[string]ExecResult{"wget -qO- -T 3 http://web": {ExitCode: 1}},
			`{http: {from: client, url: "http://web", blocked: true}}`, result.Pass, ""},
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
	t.Run("blocked runs twice", func(t *testing.T) {
		fx := newFixture(t, podsFixture)
		fx.exec.results["wget -qO- -T 3 http://web"] = ExecResult{ExitCode: 1}
		fx.grade(t, `{http: {from: client, url: "http://web", blocked: true}}`)
		if len(fx.exec.calls) != 2 {
			t.Errorf("blocked check ran %d requests, want 2", len(fx.exec.calls))
		}
	})
	t.Run("logs", func(t *testing.T) {
		fx := newFixture(t, podsFixture)
		// The fake clientset's log endpoint returns "fake logs".
		if r := fx.grade(t, `{logs: {pod: bare, contains: fake logs}}`); r.Status != result.Pass {
			t.Fatalf("got %s %s", r.Status, r.Detail)
		}
		r := fx.grade(t, `{logs: {pod: bare, contains: done}}`)
		if r.Status != result.Fail || r.Detail != `the log of pod bare has no containing "done" (last line: "fake logs")` {
			t.Fatalf("got %s %q", r.Status, r.Detail)
		}
	})
}

func TestAccessUsesSubjectAccessReview(t *testing.T) {
	fx := newFixture(t, podsFixture)
	fx.allowSAR("system:serviceaccount:rbac-1:deployer create deployments.apps rbac-1", "jane get pods/log dev")
	r := fx.grade(t, `{access: {serviceAccount: rbac-1/deployer, allowed: ["create deployments.apps in rbac-1"], denied: ["delete deployments.apps in rbac-1"]}}`)
	if r.Status != result.Pass {
		t.Fatalf("got %s %s", r.Status, r.Detail)
	}
	r = fx.grade(t, `{access: {user: jane, allowed: ["get pods/log in dev", "list secrets in dev"]}}`)
	if r.Status != result.Fail || r.Detail != "user jane cannot list secrets in dev" {
		t.Fatalf("got %s %q", r.Status, r.Detail)
	}
	r = fx.grade(t, `{access: {user: jane, denied: ["get pods/log in dev"]}}`)
	if r.Status != result.Fail || r.Detail != "user jane can get pods/log in dev but should not" {
		t.Fatalf("got %s %q", r.Status, r.Detail)
	}
}

func TestUnchanged(t *testing.T) {
	fx := newFixture(t, podsFixture)
	if r := fx.grade(t, `{unchanged: {object: Deployment/web, uid: true}}`); r.Status != result.Error {
		t.Fatalf("without a baseline: got %s, want error", r.Status)
	}
	fx.env.Baselines = fakeBaselines{"Deployment/ns1/web": {UID: "dep-uid", Generation: 1, Paths: map[string]string{".spec.replicas": "[3]"}}}
	if r := fx.grade(t, `{unchanged: {object: Deployment/web, uid: true, paths: [.spec.replicas]}}`); r.Status != result.Pass {
		t.Fatalf("got %s %s", r.Status, r.Detail)
	}
	r := fx.grade(t, `{unchanged: {object: Deployment/web, generation: true}}`)
	if r.Status != result.Fail || r.Detail != "Deployment web was edited (generation 2, was 1 at the start); the task asked you not to change it" {
		t.Fatalf("got %s %q", r.Status, r.Detail)
	}
	fx.env.Baselines = fakeBaselines{"Deployment/ns1/web": {UID: "old-uid"}}
	r = fx.grade(t, `{unchanged: {object: Deployment/web, uid: true}}`)
	if r.Status != result.Fail || r.Detail != "Deployment web was deleted and recreated (its UID changed); the task asked you to change it in place" {
		t.Fatalf("got %s %q", r.Status, r.Detail)
	}
}

// fakeNode answers node commands by script.
type fakeNode map[string]ExecResult

func (f fakeNode) Exec(_ context.Context, node, script string) (string, string, int, error) {
	r, ok := f[node+": "+script]
	if !ok {
		return "", "sh: not found", 127, nil
	}
	return r.Stdout, r.Stderr, r.ExitCode, nil
}

func TestNodeChecks(t *testing.T) {
	fx := newFixture(t, podsFixture)
	if r := fx.grade(t, `{node: {command: "systemctl is-active kubelet", stdout: {equals: active}}}`); r.Status != result.Error {
		t.Fatalf("without node access: got %s %q, want an environment error", r.Status, r.Detail)
	}
	fx.env.Node = fakeNode{
		"node1: systemctl is-active kubelet":                     {Stdout: "inactive\n", ExitCode: 3},
		"node1: cat /etc/kubernetes/manifests/static-web.yaml":   {Stdout: "image: nginx:1.27\n"},
		"node1: cat /etc/kubernetes/manifests/missing.yaml":      {ExitCode: 1, Stderr: "No such file"},
		"node1: test -f /var/lib/etcd-backup/snap.db && echo ok": {Stdout: "ok\n"},
		// {{answer:KEY}} reaches the script quoted for its place, as one word
		"node1: grep -q -- api.ns1.svc.cluster.local /etc/hosts": {},
		"node1: echo \"found  42\" | grep -q 42":                 {},
		"node1: test \"$(cat /tmp/phase)\" = running":            {},
	}
	tests := []struct {
		check, detail string
		status        result.Status
	}{
		{`{node: {command: "systemctl is-active kubelet", stdout: {equals: active}}}`, "`systemctl is-active kubelet` on node node1 failed with exit code 3: inactive", result.Fail},
		{`{node: {file: /etc/kubernetes/manifests/static-web.yaml, stdout: {contains: "image: nginx:1.27"}}}`, "", result.Pass},
		{`{node: {file: /etc/kubernetes/manifests/missing.yaml, stdout: {contains: x}}}`, "file /etc/kubernetes/manifests/missing.yaml on node node1 does not exist or cannot be read", result.Fail},
		{`{node: {command: "test -f /var/lib/etcd-backup/snap.db && echo ok", stdout: {equals: ok}}}`, "", result.Pass},
		{`{node: {command: "grep -q -- {{answer:fqdn}} /etc/hosts"}}`, "", result.Pass},
		{`{node: {command: "echo \"found  {{answer:code}}\" | grep -q 42"}}`, "", result.Pass},
		{`{node: {command: "test \"$(cat /tmp/phase)\" = {{answer:phase}}"}}`, "", result.Pass},
		// a missing answer is a wrong answer, and the command does not run
		{`{node: {command: "grep -q -- {{answer:mode}} /etc/hosts"}}`, "answers has no key 'mode'", result.Fail},
	}
	for _, tc := range tests {
		r := fx.grade(t, tc.check)
		if r.Status != tc.status || r.Detail != tc.detail {
			t.Errorf("%s: got %s %q, want %s %q", tc.check, r.Status, r.Detail, tc.status, tc.detail)
		}
	}
}

func TestVerifyResultJSONInMilliseconds(t *testing.T) {
	b, err := json.Marshal(VerifyResult{Exercise: "l/e", Status: Verified, Duration: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"exercise":"l/e","tier":"","status":"verified","durationMs":2000}` {
		t.Fatalf("got %s", b)
	}
}
