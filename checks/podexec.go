package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/httpstream"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/client-go/util/exec"
)

// ExecResult is the outcome of a command run in a container.
type ExecResult struct {
	Stdout, Stderr string
	ExitCode       int
}

// PodExecutor runs a command in a container through the pods/exec
// subresource. err is reserved for environment failures; a command that
// runs and exits non-zero is a result, not an error.
type PodExecutor interface {
	Exec(ctx context.Context, namespace, pod, container string, command []string) (ExecResult, error)
}

type podExecutor struct {
	cfg  *rest.Config
	kube kubernetes.Interface
}

// NewPodExecutor returns an executor that speaks WebSocket to the API
// server and falls back to SPDY, as kubectl does.
func NewPodExecutor(cfg *rest.Config, kube kubernetes.Interface) (PodExecutor, error) {
	return &podExecutor{cfg: cfg, kube: kube}, nil
}

func (p *podExecutor) Exec(ctx context.Context, namespace, pod, container string, command []string) (ExecResult, error) {
	req := p.kube.CoreV1().RESTClient().Post().Resource("pods").Namespace(namespace).Name(pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{Container: container, Command: command, Stdout: true, Stderr: true}, scheme.ParameterCodec)
	ws, err := remotecommand.NewWebSocketExecutor(p.cfg, "GET", req.URL().String())
	if err != nil {
		return ExecResult{}, envErrorf("prepare exec in pod %s: %v", pod, err)
	}
	spdy, err := remotecommand.NewSPDYExecutor(p.cfg, "POST", req.URL())
	if err != nil {
		return ExecResult{}, envErrorf("prepare exec in pod %s: %v", pod, err)
	}
	exec, err := remotecommand.NewFallbackExecutor(ws, spdy, func(err error) bool {
		return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
	})
	if err != nil {
		return ExecResult{}, envErrorf("prepare exec in pod %s: %v", pod, err)
	}
	var stdout, stderr bytes.Buffer
	err = exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: &stdout, Stderr: &stderr})
	res := ExecResult{Stdout: stdout.String(), Stderr: stderr.String()}
	if err == nil {
		return res, nil
	}
	var exitErr utilexec.ExitError
	if errors.As(err, &exitErr) {
		res.ExitCode = exitErr.ExitStatus()
		return res, nil
	}
	if msg := err.Error(); strings.Contains(msg, "executable file not found") || strings.Contains(msg, "no such file or directory") {
		// The command does not exist in the image: a result the check can
		// judge, like a shell's exit 127.
		res.ExitCode = 127
		res.Stderr += msg
		return res, nil
	}
	if ctx.Err() != nil {
		return res, envErrorf("exec in pod %s timed out", pod)
	}
	return res, classifyAPIError(fmt.Errorf("exec in pod %s: %w", pod, err), "pods/exec")
}
