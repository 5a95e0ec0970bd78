package lab

import (
	"testing"
)

func TestParseKindLine(t *testing.T) {
	tests := []struct {
		line          string
		kind          lineKind
		phase, detail string
	}{
		{"Creating cluster \"kubedojo\" ...\n", lineStart, PhaseCreate, `"kubedojo"`},
		{" • Ensuring node image (local/kind-node:v1.33.13) 🖼  ...\n", lineStart, PhaseNodeImage, "local/kind-node:v1.33.13"},
		{" ✓ Ensuring node image (local/kind-node:v1.33.13) 🖼\n", lineDone, PhaseNodeImage, ""},
		{" • Preparing nodes 📦 📦   ...\n", lineStart, PhasePrepare, ""},
		{" ✓ Writing configuration 📜\n", lineDone, PhaseConfig, ""},
		{" ✗ Starting control-plane 🕹️\n", lineFailed, PhaseControlPlane, ""},
		{" • Installing CNI 🔌  ...\n", lineStart, PhaseCNI, ""},
		{" • Installing StorageClass 💾  ...\n", lineStart, PhaseStorage, ""},
		{" • Joining worker nodes 🚜  ...\n", lineStart, PhaseJoin, ""},
		{"Deleted nodes: [\"x-control-plane\"]", lineMessage, "", `Deleted nodes: ["x-control-plane"]`},
		{"   \n", lineIgnore, "", ""},
	}
	for _, tt := range tests {
		kind, phase, detail := parseKindLine(tt.line)
		if kind != tt.kind || phase != tt.phase || detail != tt.detail {
			t.Errorf("parseKindLine(%q) = %v %q %q, want %v %q %q", tt.line, kind, phase, detail, tt.kind, tt.phase, tt.detail)
		}
	}
}

func TestKindLoggerProgress(t *testing.T) {
	var got []Progress
	tr := newTracker(func(p Progress) { got = append(got, p) }, createPlan(0, false))
	l := &kindLogger{}
	l.set(tr)
	// kind's status output for a creation whose control plane fails.
	l.V(0).Infof("Creating cluster %q ...\n", "t")
	l.V(0).Infof(" • %s  ...\n", "Ensuring node image (img:1) 🖼")
	l.V(0).Infof(" ✓ %s\n", "Ensuring node image (img:1) 🖼")
	l.V(0).Infof(" • %s  ...\n", "Preparing nodes 📦")
	l.V(1).Info("debug output is dropped")
	l.Warn("cgroup v1 is deprecated")
	l.V(0).Infof(" • %s  ...\n", "Writing configuration 📜")
	l.V(0).Infof(" ✗ %s\n", "Writing configuration 📜")
	l.set(nil)
	l.V(0).Info("after the operation: dropped")

	want := []Progress{
		{Phase: PhaseCreate, Step: 0, Total: 9, Message: `"t"`},
		{Phase: PhaseCreate, Step: 0, Total: 9, Done: true},
		{Phase: PhaseNodeImage, Step: 1, Total: 9, Message: "img:1"},
		{Phase: PhaseNodeImage, Step: 1, Total: 9, Done: true},
		{Phase: PhasePrepare, Step: 2, Total: 9},
		{Phase: PhasePrepare, Step: 2, Total: 9, Message: "WARNING: cgroup v1 is deprecated"},
		{Phase: PhasePrepare, Step: 2, Total: 9, Done: true},
		{Phase: PhaseConfig, Step: 3, Total: 9},
		{Phase: PhaseConfig, Step: 3, Total: 9, Done: true, Err: errPlaceholder},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if (g.Err != nil) != (w.Err != nil) {
			t.Errorf("event %d error = %v", i, g.Err)
		}
		g.Err, w.Err = nil, nil
		if g != w {
			t.Errorf("event %d = %+v, want %+v", i, g, w)
		}
	}
	if l.V(1).Enabled() || !l.V(0).Enabled() {
		t.Error("only V(0) should be enabled")
	}
}

var errPlaceholder = errorString("failed")

type errorString string

func (e errorString) Error() string { return string(e) }
