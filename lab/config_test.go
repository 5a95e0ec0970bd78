package lab

import (
	"strings"
	"testing"

	kinddefaults "sigs.k8s.io/kind/pkg/apis/config/defaults"
)

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
		name, configured, env, want string
	}{
		{"flag or config file wins", "flag/image:1", "env/image:2", "flag/image:1"},
		{"environment next", "", "env/image:2", "env/image:2"},
		{"kind default last", "", "", kinddefaults.Image},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := newLab(Config{NodeImage: tt.configured, StateDir: t.TempDir()}, env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if got := l.NodeImage(); got != tt.want {
				t.Errorf("NodeImage() = %q, want %q", got, tt.want)
			}
			// kind chooses its default itself: nothing is passed then.
			if tt.want == kinddefaults.Image && l.nodeImage != "" {
				t.Errorf("node image passed to kind = %q, want none", l.nodeImage)
			}
		})
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
