package lab

import (
	"strings"
	"testing"

	kinddefaults "sigs.k8s.io/kind/pkg/apis/config/defaults"
)

// TestNodeImageOrder: the --node-image flag, then $KUBEDOJO_NODE_IMAGE,
// then the config file, then kubedojo's pinned default (never kind's
// moving one).
func TestNodeImageOrder(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == EnvNodeImage {
				return v
			}
			return ""
		}
	}
	tests := []struct {
		name, flag, env, file, want, source string
	}{
		{"flag first", "flag/image:1", "env/image:2", "file/image:3", "flag/image:1", "--node-image"},
		{"environment next", "", "env/image:2", "file/image:3", "env/image:2", "$" + EnvNodeImage},
		{"config file next", "", "", "file/image:3", "file/image:3", "config file"},
		{"pinned default last", "", "", "", DefaultNodeImage, "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := newLab(Config{NodeImage: tt.flag, NodeImageFile: tt.file, StateDir: t.TempDir()}, env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if got := l.NodeImage(); got != tt.want {
				t.Errorf("NodeImage() = %q, want %q", got, tt.want)
			}
			if got := ChooseNodeImage(tt.flag, tt.file, env(tt.env)); got.Image != tt.want || got.Source != tt.source {
				t.Errorf("ChooseNodeImage = %+v, want %s from %s", got, tt.want, tt.source)
			}
			// The image is always passed to kind, so a kind upgrade never
			// changes the Kubernetes version of a new lab.
			if l.nodeImage != tt.want {
				t.Errorf("node image passed to kind = %q, want %q", l.nodeImage, tt.want)
			}
		})
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
	for _, bad := range []Config{{Name: "Bad_Name"}, {Name: "ok", Workers: -1}} {
		bad.StateDir = t.TempDir()
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
