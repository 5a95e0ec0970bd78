package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/kubedojo/kubedojo/lessons"
)

// ApplySolution runs an exercise's reference solution on the cluster, step
// by step, as the learner would: apply, delete, wait, node and file steps
// like a start state, and run steps as bash scripts (bash -e) with
// KUBECONFIG set to the learner's kubeconfig, in the lab directory. verify
// uses it; errors name the step and its file:line, and carry the script's
// output.
func (e *Environment) ApplySolution(ctx context.Context, ex *lessons.Exercise) error {
	return environmentError(e.applySolution(ctx, ex))
}

func (e *Environment) applySolution(ctx context.Context, ex *lessons.Exercise) error {
	vars, err := e.Vars(ctx)
	if err != nil {
		return fmt.Errorf("solve %s: %w", ex.ID, err)
	}
	if err := nodesResolve(ex.ID, ex.Solution.Steps, vars); err != nil {
		return err
	}
	ex = ex.Expand(vars)
	for i, s := range ex.Solution.Steps {
		var err error
		if s.Run != "" {
			err = e.runScript(ctx, ex, vars, s.Run)
		} else {
			err = e.runStep(ctx, ex, vars, nil, s)
		}
		if err != nil {
			return stepError(ex, "solution", i, s, err)
		}
	}
	return nil
}

// runScript runs a solution's shell script against the lab, with the
// kubeconfig the exercise's shell uses.
func (e *Environment) runScript(ctx context.Context, ex *lessons.Exercise, vars lessons.Vars, script string) error {
	kubeconfig, err := e.kubeconfigFor(ex)
	if err != nil {
		return err
	}
	if kubeconfig == "" {
		return errors.New("run steps need the learner's kubeconfig, and this environment has none")
	}
	shell, err := e.lookPath("bash")
	if err != nil {
		if shell, err = e.lookPath("sh"); err != nil {
			return errors.New("run steps need bash or sh on the PATH")
		}
	}
	cmd := exec.CommandContext(ctx, shell, "-e", "-c", script)
	cmd.Env = append(withoutEnv(os.Environ(), "KUBECONFIG"), "KUBECONFIG="+kubeconfig)
	if vars.Lab != "" {
		if err := os.MkdirAll(vars.Lab, 0o755); err != nil {
			return fmt.Errorf("lab directory: %w", err)
		}
		cmd.Dir = vars.Lab
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("script failed (%v): %s", err, strings.TrimSpace(lastLines(out.String(), 8)))
	}
	return nil
}

// lastLines keeps the end of a long output, where errors are.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
