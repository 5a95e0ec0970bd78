// Package lab gives kubedojo its cluster and the exercise environments on
// it.
//
// A Lab is either kubedojo's own kind cluster (created, restarted, preloaded
// and deleted here through kind's Go API) or an existing cluster reached
// through a kubeconfig context. An existing cluster that kubedojo did not
// create is refused unless the learner opts in (Config.AllowForeign); on
// such a cluster the Environment only touches namespaces and objects that
// carry kubedojo's labels.
//
// An Environment sets up an exercise's start state on any *rest.Config
// (envtest, the kind lab, a foreign cluster), records the baselines that
// "unchanged" checks compare with, and cleans up or resets the exercise.
// The package never imports the grader: wait steps call a Waiter the grader
// supplies.
package lab
