package checks

import (
	"context"
	"fmt"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("kubeconfig", kindOf[*lessons.KubeconfigCheck]{
		Eval: func(ev *evaluation, _ context.Context, k *lessons.KubeconfigCheck) (bool, string, error) {
			return ev.evalKubeconfig(k)
		},
		Deps: func(dc *depCollector, _ *lessons.KubeconfigCheck) { dc.d.kubeconfig = true },
	})
}

func (ev *evaluation) evalKubeconfig(k *lessons.KubeconfigCheck) (bool, string, error) {
	path := ev.env.Kubeconfig.PathFor(ev.ex)
	if path == "" {
		return false, "", envErrorf("kubedojo does not know which kubeconfig the lab uses")
	}
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return false, fmt.Sprintf("the lab kubeconfig %s cannot be read: %v", path, err), nil
	}
	ctx, ok := cfg.Contexts[k.Context]
	if !ok {
		return false, fmt.Sprintf("%s has no context %q", path, k.Context), nil
	}
	if k.Namespace != "" && ctx.Namespace != k.Namespace {
		return false, fmt.Sprintf("context %s has namespace %q, expected %q", k.Context, ctx.Namespace, k.Namespace), nil
	}
	if k.SameClusterAndUser {
		lab, ok := cfg.Contexts[ev.env.Kubeconfig.LabContext]
		if !ok {
			return false, "", envErrorf("the lab context %q is missing from %s; reset the exercise", ev.env.Kubeconfig.LabContext, path)
		}
		if ctx.Cluster != lab.Cluster || ctx.AuthInfo != lab.AuthInfo {
			return false, fmt.Sprintf("context %s uses cluster %q and user %q; expected the lab's cluster %q and user %q", k.Context, ctx.Cluster, ctx.AuthInfo, lab.Cluster, lab.AuthInfo), nil
		}
	}
	if k.Current && cfg.CurrentContext != k.Context {
		return false, fmt.Sprintf("the current context is %q, expected %q", cfg.CurrentContext, k.Context), nil
	}
	return true, "", nil
}
