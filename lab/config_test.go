package lab

import (
	"strings"
	"testing"

	kinddefaults "sigs.k8s.io/kind/pkg/apis/config/defaults"
)

// TestNodeImageIsPinned: the chosen node image is always passed to kind,
// and an empty one is kubedojo's pinned default (never kind's moving one),
// so that a kind upgrade never changes the Kubernetes version of a new lab.
// Which image is chosen is lab/config's (TestOrder there).
func TestNodeImageIsPinned(t *testing.T) {
	for in, want := range map[string]string{"": DefaultNodeImage, "local/image:1": "local/image:1"} {
		l, err := newLab(Config{NodeImage: in, StateDir: t.TempDir()}, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if l.NodeImage() != want || l.nodeImage != want {
			t.Errorf("node image %q: NodeImage() = %q, passed to kind %q, want %q", in, l.NodeImage(), l.nodeImage, want)
		}
	}
}

// TestDefaultNodeImageIsPinned: the default is a Kubernetes v1.33 image
// pinned by digest, and not kind's own default (a newer Kubernetes).
func TestDefaultNodeImageIsPinned(t *testing.T) {
	if !strings.HasPrefix(DefaultNodeImage, "kindest/node:"+DefaultKubernetesVersion+"@sha256:") || !strings.HasPrefix(DefaultKubernetesVersion, "v1.33.") {
		t.Errorf("default node image %q (Kubernetes %s)", DefaultNodeImage, DefaultKubernetesVersion)
	}
	if DefaultNodeImage == kinddefaults.Image {
		t.Errorf("the default is kind's moving default %s", kinddefaults.Image)
	}
}

func TestNewDefaultsAndValidation(t *testing.T) {
	l, err := newLab(Config{StateDir: "relative/state"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if l.Name() != DefaultName || l.ContextName() != "kind-kubedojo" {
		t.Errorf("name %q context %q", l.Name(), l.ContextName())
	}
	if !strings.HasSuffix(l.KubeconfigPath(), "relative/state/clusters/kubedojo/kubeconfig") || !strings.HasPrefix(l.KubeconfigPath(), "/") {
		t.Errorf("kubeconfig path %q is not absolute under the state directory", l.KubeconfigPath())
	}
	for _, bad := range []Config{{Name: "Bad_Name", StateDir: t.TempDir()}, {Name: "ok", Workers: -1, StateDir: t.TempDir()}, {Name: "ok"}} {
		if _, err := newLab(bad, func(string) string { return "" }); err == nil {
			t.Errorf("newLab(%+v) accepted", bad)
		}
	}
}

func TestExerciseLabelValue(t *testing.T) {
	if got := ExerciseLabelValue("pods-basics/first-pod"); got != "pods-basics.first-pod" {
		t.Errorf("got %q", got)
	}
	long := ExerciseLabelValue(strings.Repeat("a", 40) + "/" + strings.Repeat("b", 40))
	if len(long) > 63 || long == ExerciseLabelValue(strings.Repeat("a", 40)+"/"+strings.Repeat("b", 39)) {
		t.Errorf("long ids must shorten to distinct valid label values, got %q", long)
	}
}
