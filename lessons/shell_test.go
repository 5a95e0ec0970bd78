package lessons_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/lessons"
)

// TestTemplateValuesInScriptsAreShellQuoted runs a solution's script with
// {{LAB}} substituted, in each of the shell's quoting contexts, for a lab
// directory with a space, quotes and a command substitution in its name:
// every use sees the path as it is, and nothing in it runs.
func TestTemplateValuesInScriptsAreShellQuoted(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	work := t.TempDir()
	lab := filepath.Join(work, `my "lab" it's $(touch pwned) \ `+"`touch pwned2`")
	script := `printf '%s\n' {{LAB}}/bare
printf '%s\n' --dir={{LAB}}/flag
printf '%s\n' "{{LAB}}/double"
printf '%s\n' '{{LAB}}/single'
printf '%s\n' $'{{LAB}}/ansi'
printf '%s\n' "$(printf '%s' {{LAB}}/subst)"
cat <<EOF
{{LAB}}/heredoc
EOF
cat <<'EOF'
{{LAB}}/quoted-heredoc
EOF
`
	ex := &lessons.Exercise{Solution: lessons.Solution{Steps: []lessons.Step{{Run: script}}}}
	got := ex.Expand(lessons.Vars{Lab: lab}).Solution.Steps[0].Run
	cmd := exec.Command(bash, "-e", "-c", got)
	cmd.Dir = work
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the script failed: %v\n%s\nscript:\n%s", err, out, got)
	}
	var want []string
	for _, s := range []string{"bare", "flag", "double", "single", "ansi", "subst", "heredoc", "quoted-heredoc"} {
		if s == "flag" {
			want = append(want, "--dir="+lab+"/flag")
			continue
		}
		want = append(want, lab+"/"+s)
	}
	if strings.TrimSuffix(string(out), "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s\nscript:\n%s", out, strings.Join(want, "\n"), got)
	}
	for _, f := range []string{"pwned", "pwned2"} {
		if _, err := os.Stat(filepath.Join(work, f)); err == nil {
			t.Errorf("the lab directory's name ran a command (%s exists)", f)
		}
	}
	// Task text is Markdown, not a script: it keeps the value as it is.
	task := (&lessons.Exercise{Task: "Look in `{{LAB}}`."}).Expand(lessons.Vars{Lab: lab}).Task
	if task != "Look in `"+lab+"`." {
		t.Errorf("task %q", task)
	}
}
