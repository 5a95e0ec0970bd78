package examrun

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/exam"
)

// ExamKubeconfig is the exam's kubeconfig, with one context per task (and
// the lab's) and the first task's current, for a terminal of the learner's own:
// KUBECONFIG=<it> kubectl config use-context exam-<task>.
func (r *Runner) ExamKubeconfig(st *exam.State) string {
	return filepath.Join(r.cfg.Store.ExamDir(st.ID), "kubeconfig")
}

// TaskKubeconfig is the kubeconfig of a task's shells: every context of the
// exam, the task's current. Each task has its own file, so switching
// contexts in one shell never moves another.
func (r *Runner) TaskKubeconfig(st *exam.State, context string) string {
	return filepath.Join(r.cfg.Store.ExamDir(st.ID), "shells", context+".kubeconfig")
}

// writeKubeconfigs writes the exam's kubeconfig files from the lab's: the
// lab context's cluster and user under each task's context, whose
// namespace is the task's first. A file that exists keeps its current
// context (the learner may have switched), the rest is refreshed (a
// recreated lab has new credentials).
func (r *Runner) writeKubeconfigs(st *exam.State, exs []*lessons.Exercise) error {
	src, err := clientcmd.LoadFromFile(r.cfg.Kubeconfig)
	if err != nil {
		return fmt.Errorf("read the lab kubeconfig: %w", err)
	}
	labCtx, ok := src.Contexts[r.cfg.Context]
	if !ok {
		return fmt.Errorf("the lab kubeconfig %s has no context %q", r.cfg.Kubeconfig, r.cfg.Context)
	}
	cluster, user := src.Clusters[labCtx.Cluster], src.AuthInfos[labCtx.AuthInfo]
	if cluster == nil || user == nil {
		return fmt.Errorf("context %q of %s lacks its cluster or user", r.cfg.Context, r.cfg.Kubeconfig)
	}
	base := clientcmdapi.NewConfig()
	base.Clusters["exam"] = cluster
	base.AuthInfos["exam"] = user
	// The lab's own context too: kubeconfig checks compare a task's
	// contexts with it.
	base.Clusters[labCtx.Cluster], base.AuthInfos[labCtx.AuthInfo] = cluster, user
	base.Contexts[r.cfg.Context] = labCtx.DeepCopy()
	for i, ex := range exs {
		base.Contexts[st.Tasks[i].Context] = &clientcmdapi.Context{Cluster: "exam", AuthInfo: "exam", Namespace: ex.DefaultNamespace()}
	}
	if len(st.Tasks) > 0 {
		if err := writeKubeconfig(r.ExamKubeconfig(st), base, st.Tasks[0].Context); err != nil {
			return err
		}
	}
	for _, t := range st.Tasks {
		if err := writeKubeconfig(r.TaskKubeconfig(st, t.Context), base, t.Context); err != nil {
			return err
		}
	}
	return nil
}

// writeKubeconfig writes cfg to path, private to the user, with current as
// its current context unless the file exists with one of cfg's contexts
// current.
func writeKubeconfig(path string, cfg *clientcmdapi.Config, current string) error {
	out := cfg.DeepCopy()
	out.CurrentContext = current
	if old, err := clientcmd.LoadFromFile(path); err == nil {
		if _, ok := out.Contexts[old.CurrentContext]; ok {
			out.CurrentContext = old.CurrentContext
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	data, err := clientcmd.Write(*out)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// RefreshKubeconfigs rewrites the exam's kubeconfigs from the lab's (a
// resumed exam on a lab that was restarted).
func (r *Runner) RefreshKubeconfigs(st *exam.State) error {
	exs, err := st.Exercises(r.cfg.Pool)
	if err != nil {
		return err
	}
	return r.writeKubeconfigs(st, exs)
}

func withoutKubeconfig(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "KUBECONFIG=") {
			out = append(out, kv)
		}
	}
	return out
}
