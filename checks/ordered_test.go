package checks

import (
	"testing"

	"github.com/kubedojo/kubedojo/checks/result"
)

const hooksFixture = `
apiVersion: v1
kind: Pod
metadata: {name: graceful}
spec:
  containers:
  - name: swapped
    image: nginx:1.27
    command: [-c, sh, "nginx -g 'daemon off;'"]
    lifecycle:
      preStop: {exec: {command: [-c, sh, "sleep 5; nginx -s quit"]}}
    livenessProbe: {exec: {command: [/tmp/ready, cat]}}
  - name: spelled
    image: nginx:1.27
    command: [/bin/sh, -c, "nginx  -g 'daemon off;'"]
    lifecycle:
      preStop: {exec: {command: [/bin/sh, -c, "sleep 5 ;  nginx -s quit"]}}
    livenessProbe: {exec: {command: [/bin/cat, /tmp/ready]}}
`

// TestCommandsAreOrdered: commands, args and exec handlers run their words
// in order, so a swapped argv fails while another spelling of the same
// command (an absolute path, other whitespace in a script) passes.
func TestCommandsAreOrdered(t *testing.T) {
	gradeCases(t, hooksFixture, []gradeCase{
		{"swapped hook", `{container: {object: Pod/graceful, name: swapped, lifecycle: {preStop: {exec: {command: [sh, -c, "sleep 5; nginx -s quit"]}}}}}`, result.Fail,
			`container swapped of Pod graceful: lifecycle.preStop.exec.command: expected ["sh","-c","sleep 5; nginx -s quit"], found ["-c","sh","sleep 5; nginx -s quit"] (the words of a command run in order)`},
		{"swapped probe", `{container: {object: Pod/graceful, name: swapped, livenessProbe: {exec: {command: [cat, /tmp/ready]}}}}`, result.Fail,
			`container swapped of Pod graceful: livenessProbe.exec.command: expected ["cat","/tmp/ready"], found ["/tmp/ready","cat"] (the words of a command run in order)`},
		{"swapped command", `{container: {object: Pod/graceful, name: swapped, command: [sh, -c, "nginx -g 'daemon off;'"]}}`, result.Fail, ""},
		{"hook by absolute path", `{container: {object: Pod/graceful, name: spelled, lifecycle: {preStop: {exec: {command: [sh, -c, "sleep 5; nginx -s quit"]}}}}}`, result.Pass, ""},
		{"probe by absolute path", `{container: {object: Pod/graceful, name: spelled, livenessProbe: {exec: {command: [cat, /tmp/ready]}}}}`, result.Pass, ""},
		{"command by absolute path", `{container: {object: Pod/graceful, name: spelled, command: [sh, -c, "nginx -g 'daemon off;'"]}}`, result.Pass, ""},
		{"field has on a handler", `{field: {object: Pod/graceful, path: ".spec.containers[0].lifecycle", has: {preStop: {exec: {command: [sh, -c, "sleep 5; nginx -s quit"]}}}}}`, result.Fail, ""},
	})
}
