package lab

import (
	"github.com/kubedojo/kubedojo/lessons"
)

// The namespaces kubedojo makes for an exercise enforce the exercise's Pod
// Security level (baseline unless it declares another, with a reason): a
// start state, or anything else in the namespace, cannot run a privileged
// pod, share the node's namespaces or mount its filesystem unless the
// exercise says why it must. Class mode labels its learners' namespaces
// with the same function.

// PodSecurityVersionLabel pins the version of the Pod Security checks.
const PodSecurityVersionLabel = lessons.PodSecurityLabel + "-version"

// SetPodSecurity makes labels (a namespace's) enforce level, unless they
// already enforce a stricter one (an exercise that teaches restricted).
func SetPodSecurity(labels map[string]string, level string) {
	if cur, ok := labels[lessons.PodSecurityLabel]; ok && lessons.WeakerPodSecurity(level, cur) {
		return
	}
	labels[lessons.PodSecurityLabel] = level
	labels[PodSecurityVersionLabel] = "latest"
}
