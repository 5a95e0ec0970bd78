package checks

import (
	"testing"

	"github.com/kubedojo/kubedojo/checks/result"
)

// flappyFixture: the fixture clock reads 12:00:00. Pod flappy crash-loops:
// its container has just been restarted and is Ready for a moment. Pod
// steady restarted long ago and has run since.
const flappyFixture = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: flappy, uid: flappy-uid, generation: 1}
spec:
  replicas: 1
  selector: {matchLabels: {app: flappy}}
  template:
    metadata: {labels: {app: flappy}}
    spec: {containers: [{name: app, image: busybox:1.36}]}
status: {observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: flappy-1
  uid: flappy-rs
  labels: {app: flappy}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: flappy, uid: flappy-uid, controller: true}]
spec: {selector: {matchLabels: {app: flappy}}, template: {metadata: {labels: {app: flappy}}, spec: {containers: [{name: app, image: busybox:1.36}]}}}
---
apiVersion: v1
kind: Pod
metadata:
  name: flappy-1-a
  labels: {app: flappy}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: flappy-1, uid: flappy-rs, controller: true}]
spec: {containers: [{name: app, image: busybox:1.36}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "True", lastTransitionTime: "2026-11-25T11:59:58Z"}]
  containerStatuses:
  - name: app
    ready: true
    restartCount: 5
    image: busybox:1.36
    imageID: ""
    state: {running: {startedAt: "2026-11-25T11:59:58Z"}}
    lastState: {terminated: {exitCode: 1, reason: Error, finishedAt: "2026-11-25T11:59:57Z"}}
---
apiVersion: v1
kind: Pod
metadata: {name: steady, labels: {app: steady}}
spec: {containers: [{name: app, image: busybox:1.36}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "True", lastTransitionTime: "2026-11-25T11:50:00Z"}]
  containerStatuses:
  - name: app
    ready: true
    restartCount: 1
    image: busybox:1.36
    imageID: ""
    state: {running: {startedAt: "2026-11-25T11:50:00Z"}}
    lastState: {terminated: {exitCode: 1, reason: Error, finishedAt: "2026-11-25T11:49:59Z"}}
`

// TestReadyMeansStaysReady: a crash-looping pod is Ready for a moment after
// each restart; readiness checks do not count that moment.
func TestReadyMeansStaysReady(t *testing.T) {
	const unstable = "pod flappy-1-a is not ready to stay: container app restarted 5 times, the last time 2s ago (exit code 1); it must run for 30s after a restart"
	gradeCases(t, flappyFixture, []gradeCase{
		{"pods ready", `{pods: {selector: app=flappy, ready: true}}`, result.Fail, unstable},
		{"workload", `{workload: {object: Deployment/flappy}}`, result.Fail, "deployment flappy: " + unstable},
		{"pod Ready condition", `{condition: {object: Pod/flappy-1-a, type: Ready}}`, result.Fail, unstable},
		{"restarted long ago", `{pods: {selector: app=steady, ready: true}}`, result.Pass, ""},
		{"Ready condition after an old restart", `{condition: {object: Pod/steady, type: Ready}}`, result.Pass, ""},
		{"count only", `{pods: {selector: app=flappy, count: 1}}`, result.Pass, ""},
	})
}
