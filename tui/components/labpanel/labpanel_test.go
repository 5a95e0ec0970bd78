package labpanel

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/tuitest"
)

func TestStates(t *testing.T) {
	tests := []struct {
		name          string
		state         common.LabState
		compact, full string
	}{
		{"off", common.LabState{Disabled: true}, "lab off", "Lab off (--no-lab)"},
		{"starting", common.LabState{Starting: true}, "lab starting", "Starting the lab cluster"},
		{"phase", common.LabState{Starting: true, Progress: common.LabProgress{Phase: "Writing configuration", Step: 3, Total: 6}},
			"lab starting 3/6", "███"},
		{"failed", common.LabState{Err: errors.New("docker is not running: start it")}, "lab failed", "docker is not running: start it"},
		{"ready", common.LabState{Ready: true, Status: common.LabStatus{Ready: true, Summary: "kind v1.33"}}, "lab ready", "Lab ready kind v1.33"},
		{"not answering", common.LabState{Ready: true, Unreachable: "the cluster's API server is not answering (no answer within 3s)"},
			"lab not answering", "grading resumes by itself"},
		{"not ready", common.LabState{Status: common.LabStatus{Summary: "node NotReady", Detail: "docker restart kubedojo-control-plane"}},
			"lab not ready", "docker restart kubedojo-control-plane"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tuitest.NewCommon(t)
			c.LabState = tt.state
			if got := ansi.Strip(Compact(c)); !strings.Contains(got, tt.compact) {
				t.Errorf("compact %q lacks %q", got, tt.compact)
			}
			p := New(c)
			p.SetSize(50, 0)
			full := ansi.Strip(p.View())
			if !strings.Contains(full, tt.full) {
				t.Errorf("panel lacks %q:\n%s", tt.full, full)
			}
			for _, l := range strings.Split(full, "\n") {
				if ansi.StringWidth(l) > 50 {
					t.Errorf("line wider than the panel: %q", l)
				}
			}
		})
	}
}
