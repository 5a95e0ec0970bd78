package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lab"
)

func TestRecreateNeedsAYesFromAPerson(t *testing.T) {
	broken := &lab.BrokenError{Lab: "kd", Reason: "its control-plane node container is gone"}
	for answer, want := range map[string]bool{"y\n": true, "YES\n": true, "\n": false, "n\n": false, "": false, "sure\n": false} {
		var out bytes.Buffer
		if got := confirmRecreate(strings.NewReader(answer), &out, broken); got != want {
			t.Errorf("answer %q: recreate = %v, want %v", answer, got, want)
		}
		if !strings.Contains(out.String(), "control-plane node container is gone") || !strings.Contains(out.String(), "[y/N]") {
			t.Errorf("question %q does not say why or how to answer", out.String())
		}
	}
	// Without a terminal nobody is asked, whatever stdin holds.
	var out bytes.Buffer
	if askRecreate(strings.NewReader("y\n"), &out, broken) || out.Len() != 0 {
		t.Errorf("asked without a terminal: %q", out.String())
	}
}
