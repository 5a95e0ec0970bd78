package checks

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("exec", kindOf[*lessons.ExecCheck]{
		Eval: (*evaluation).evalExec,
		Deps: func(dc *depCollector, x *lessons.ExecCheck) {
			dc.d.volatile = true
			dc.podRef(x.Pod)
			dc.values(&x.Stdout)
			for _, a := range x.Command {
				if strings.Contains(a, "{{answer:") {
					dc.kind("ConfigMap", dc.ex.DefaultNamespace())
				}
			}
		},
		// Every run of a repeated command gets the whole timeout.
		Timeout: func(x *lessons.ExecCheck, base time.Duration) time.Duration {
			if x.Repeat > 1 {
				return base * time.Duration(x.Repeat)
			}
			return base
		},
	})
	register("http", kindOf[*lessons.HTTPCheck]{
		Eval: (*evaluation).evalHTTP,
		Deps: func(dc *depCollector, h *lessons.HTTPCheck) {
			dc.d.volatile = true
			dc.podRef(h.From)
			for _, ns := range dc.ex.Namespaces {
				for _, k := range []string{"Pod", "Service", "EndpointSlice", "NetworkPolicy", "Ingress"} {
					dc.kind(k, ns.Name)
				}
			}
		},
		// Each request gets its own limit and execSlack; a blocked check
		// makes two; a sample's requests run one after another in the
		// client pod.
		Timeout: func(h *lessons.HTTPCheck, base time.Duration) time.Duration {
			if h.Sample != nil {
				return base + execSlack + time.Duration(h.Sample.Requests)*sampleRequestTime
			}
			return max(base, time.Duration(httpRuns(h))*(requestTimeout(h)+execSlack))
		},
	})
	register("logs", kindOf[*lessons.LogsCheck]{
		Eval: (*evaluation).evalLogs,
		Deps: func(dc *depCollector, l *lessons.LogsCheck) {
			dc.d.volatile = true
			dc.podRef(l.Pod)
		},
	})
	register("node", kindOf[*lessons.NodeCheck]{
		Eval:   (*evaluation).evalNode,
		Polled: true,
		// A node check's own timeout, or nodeCheckTimeout at least.
		Timeout: func(n *lessons.NodeCheck, base time.Duration) time.Duration {
			if n.Timeout.Duration > 0 {
				return n.Timeout.Duration
			}
			return max(base, nodeCheckTimeout)
		},
	})
}

// nodeCheckTimeout is a node check's default time limit: its command runs
// through the container engine (docker exec), which a loaded machine
// slows far beyond an API read.
const nodeCheckTimeout = 30 * time.Second

// runnablePod picks the first pod whose container (the default one when
// container is "") runs, or explains why none can take a command.
func (ev *evaluation) runnablePod(ctx context.Context, ref lessons.PodRef, container string) (*corev1.Pod, string, error) {
	pods, why, err := ev.pickPods(ctx, ref)
	if err != nil || why != "" {
		if ref.Name == "client" && why != "" {
			why += "; the exercise's client pod is missing: reset the exercise"
		}
		return nil, why, err
	}
	for _, p := range pods {
		if p.Status.Phase == corev1.PodRunning && containerStopped(p, container) == "" {
			return p, "", nil
		}
	}
	if pods[0].Status.Phase == corev1.PodRunning {
		return nil, containerStopped(pods[0], container) + "; commands can only run in a running container", nil
	}
	return nil, describePod(pods[0]) + "; commands can only run in a running pod", nil
}

// execContainer is the container a command runs in: the one named, else
// the pod's default (as kubectl picks it).
func execContainer(p *corev1.Pod, container string) string {
	if container != "" {
		return container
	}
	if c := p.Annotations["kubectl.kubernetes.io/default-container"]; c != "" {
		return c
	}
	if len(p.Spec.Containers) > 0 {
		return p.Spec.Containers[0].Name
	}
	return ""
}

// containerStopped says why a pod's container cannot take a command (it
// waits, crash-loops or has exited), "" when it runs or the pod's status
// does not say.
func containerStopped(p *corev1.Pod, container string) string {
	name := execContainer(p, container)
	for _, cs := range append(append([]corev1.ContainerStatus{}, p.Status.ContainerStatuses...), p.Status.InitContainerStatuses...) {
		if cs.Name != name || cs.State.Running != nil {
			continue
		}
		s := describeContainerState(cs)
		if s == "" {
			return ""
		}
		if cs.RestartCount > 0 && !strings.Contains(s, "restarted") {
			s += ", restarted " + times(cs.RestartCount)
		}
		return fmt.Sprintf("container %s of pod %s %s", name, p.Name, s)
	}
	return ""
}

// stoppedDuringExec explains an exec the API refused because the container
// stopped meanwhile, reading the pod's status as it is now; "" when it
// still runs (the error is then the environment's).
func (ev *evaluation) stoppedDuringExec(ctx context.Context, p *corev1.Pod, container string) string {
	t, err := ev.env.gvrFor("Pod", p.Namespace)
	if err != nil {
		return ""
	}
	u, err := liveReader{dyn: ev.env.Dynamic}.get(ctx, t.gvr, p.Namespace, p.Name)
	if err != nil {
		return ""
	}
	now, err := fromUnstructured[corev1.Pod](u)
	if err != nil {
		return ""
	}
	if why := containerStopped(now, container); why != "" {
		return why + "; commands can only run in a running container"
	}
	return ""
}

// expandAnswers replaces {{answer:KEY}} with the learner's answers.
func (ev *evaluation) expandAnswers(ctx context.Context, argv []string) ([]string, string, error) {
	out := make([]string, len(argv))
	for i, a := range argv {
		var missing string
		var ferr error
		out[i] = lessons.AnswerRefRE.ReplaceAllStringFunc(a, func(m string) string {
			key := lessons.AnswerRefRE.FindStringSubmatch(m)[1]
			v, why, err := ev.answer(ctx, "", key)
			if err != nil {
				ferr = err
			}
			if why != "" {
				missing = why
			}
			return v
		})
		if ferr != nil || missing != "" {
			return nil, missing, ferr
		}
	}
	return out, "", nil
}

// expandShellAnswers replaces {{answer:KEY}} in a node command with the
// learner's answers, each quoted as one word for its place in the script
// (a node command runs as root on the node: an answer must never run).
// The command as written, not the answers, is what messages show.
func (ev *evaluation) expandShellAnswers(ctx context.Context, script string) (string, string, error) {
	refs := lessons.AnswerRefRE.FindAllStringSubmatch(script, -1)
	if len(refs) == 0 {
		return script, "", nil
	}
	answers := make(map[string]string, len(refs))
	for _, m := range refs {
		v, why, err := ev.answer(ctx, "", m[1])
		if err != nil || why != "" {
			return "", why, err
		}
		answers[m[1]] = v
	}
	return lessons.ExpandShellAnswers(script, answers), "", nil
}

func shellQuote(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = lessons.ShellQuote(a)
	}
	return strings.Join(parts, " ")
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (ev *evaluation) evalExec(ctx context.Context, x *lessons.ExecCheck) (bool, string, error) {
	pod, why, err := ev.runnablePod(ctx, x.Pod, x.Container)
	if err != nil || why != "" {
		return false, why, err
	}
	argv, why, err := ev.expandAnswers(ctx, x.Command)
	if err != nil || why != "" {
		return false, why, err
	}
	if ev.env.Exec == nil {
		return false, "", envErrorf("this cluster connection cannot run commands in pods")
	}
	cmdline := shellQuote(argv)
	runs := max(x.Repeat, 1)
	for i := 0; i < runs; i++ {
		res, err := ev.execOnce(ctx, pod, x.Container, argv, x.Timeout.Duration)
		if err != nil {
			if why := ev.stoppedDuringExec(ctx, pod, x.Container); why != "" {
				return false, why, nil
			}
			return false, "", err
		}
		if ok, why := judgeRun(ctx, ev, x.ExitCode, x.Fails, x.Stdout, res, fmt.Sprintf("`%s` in pod %s", cmdline, pod.Name)); !ok {
			return false, why, nil
		}
	}
	return true, "", nil
}

// execOnce runs one command, within its own timeout when one is given.
func (ev *evaluation) execOnce(ctx context.Context, pod *corev1.Pod, container string, argv []string, timeout time.Duration) (ExecResult, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	ev.sawUnseen()
	return ev.env.Exec.Exec(ctx, pod.Namespace, pod.Name, container, argv)
}

// judgeRun compares one command result with the expected exit code and
// output.
func judgeRun(ctx context.Context, ev *evaluation, exitCode *int, fails bool, stdout lessons.Expect, res ExecResult, what string) (bool, string) {
	switch {
	case fails && res.ExitCode == 0:
		return false, fmt.Sprintf("%s succeeded, but it should fail", what)
	case exitCode != nil && res.ExitCode != *exitCode:
		return false, fmt.Sprintf("%s exited with code %d, expected %d%s", what, res.ExitCode, *exitCode, stderrNote(res))
	case !fails && exitCode == nil && res.ExitCode != 0:
		return false, fmt.Sprintf("%s failed with exit code %d%s", what, res.ExitCode, stderrNote(res))
	}
	if stdout.IsZero() {
		return true, ""
	}
	out := strings.TrimSpace(res.Stdout)
	m, err := evalExpect(ctx, stdout, []any{out}, ev.resolveValue, false)
	if err != nil {
		return false, err.Error()
	}
	if m != nil {
		if strings.Contains(out, "\n") {
			return false, fmt.Sprintf("%s did not print %s; its output:\n%s", what, m.expected, outputBlock(out))
		}
		return false, fmt.Sprintf("%s printed %s, expected %s", what, lessons.FormatValue(truncate(out, 200)), m.expected)
	}
	return true, ""
}

// stderrNote shows what a failed command printed (standard output, then
// standard error): one line after a colon, several as a block.
func stderrNote(res ExecResult) string {
	var parts []string
	for _, s := range []string{res.Stdout, res.Stderr} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	out := strings.Join(parts, "\n")
	switch {
	case out == "":
		return ""
	case strings.Contains(out, "\n"):
		return "; its output:\n" + outputBlock(out)
	}
	return ": " + truncate(out, 160)
}

// outputLines bounds the command output a failure shows.
const outputLines = 10

// outputBlock indents multi-line output under a failure, keeping the first
// outputLines lines (each cut at 200 characters) and counting the rest.
func outputBlock(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	more := len(lines) - outputLines
	if more > 0 {
		lines = lines[:outputLines]
	}
	for i, l := range lines {
		if l = strings.TrimRight(l, " \t\r"); l != "" {
			lines[i] = "  " + truncate(l, 200)
		} else {
			lines[i] = ""
		}
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("  … (%d more lines)", more))
	}
	return strings.Join(lines, "\n")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (ev *evaluation) evalHTTP(ctx context.Context, h *lessons.HTTPCheck) (bool, string, error) {
	pod, why, err := ev.runnablePod(ctx, h.From, "")
	if err != nil || why != "" {
		return false, why, err
	}
	timeout := requestTimeout(h)
	if ev.env.Exec == nil {
		return false, "", envErrorf("this cluster connection cannot run commands in pods")
	}
	if h.Sample != nil {
		return ev.sampleHTTP(ctx, pod, h, timeout)
	}
	argv := append([]string{"wget", "-qO-", "-T", wgetTimeout(timeout)}, wgetArgs(h)...)
	target := httpTarget(h)
	for i := 0; i < httpRuns(h); i++ {
		cctx, cancel := context.WithTimeout(ctx, timeout+execSlack)
		ev.sawUnseen()
		res, err := ev.env.Exec.Exec(cctx, pod.Namespace, pod.Name, "", argv)
		cancel()
		if err != nil {
			if why := ev.stoppedDuringExec(ctx, pod, ""); why != "" {
				return false, why, nil
			}
			return false, "", err
		}
		if res.ExitCode == 127 {
			return false, "", envErrorf("pod %s has no wget; connectivity checks need a busybox-based client pod", pod.Name)
		}
		if h.Blocked {
			if res.ExitCode == 0 {
				return false, fmt.Sprintf("pod %s reached %s (the request succeeded; it must be blocked)", pod.Name, target), nil
			}
			continue
		}
		if res.ExitCode != 0 {
			return false, fmt.Sprintf("pod %s cannot reach %s: %s", pod.Name, target, wgetError(res)), nil
		}
		if h.Expect != "" && !strings.Contains(res.Stdout, h.Expect) {
			return false, fmt.Sprintf("pod %s got a response from %s without %q: %s", pod.Name, target, h.Expect, lessons.FormatValue(truncate(strings.TrimSpace(res.Stdout), 120))), nil
		}
	}
	return true, "", nil
}

// execSlack is what a command in a pod may take beyond its own time
// limit (wget's -T) before kubedojo stops waiting for it: exec's set-up
// through the API server and the kubelet, which takes milliseconds on a
// quiet machine and seconds on a loaded one (CI's 2 cores with three kind
// labs). A healthy request never waits for it: wget gives up by itself.
const execSlack = 15 * time.Second

// requestTimeout is one request's time limit, 3 s by default.
func requestTimeout(h *lessons.HTTPCheck) time.Duration {
	if h.Timeout.Duration > 0 {
		return h.Timeout.Duration
	}
	return 3 * time.Second
}

// httpRuns is how many requests an http check makes: a blocked one wants
// two failures in a row, so that one lost packet does not look like a
// working policy.
func httpRuns(h *lessons.HTTPCheck) int {
	if h.Blocked {
		return 2
	}
	return 1
}

// wgetArgs are busybox wget's arguments for one request of h after -qO-
// and the timeout. busybox never verifies a server certificate;
// --no-check-certificate only silences its note saying so.
func wgetArgs(h *lessons.HTTPCheck) []string {
	var args []string
	if strings.HasPrefix(h.URL, "https://") {
		args = append(args, "--no-check-certificate")
	}
	for _, k := range slices.Sorted(maps.Keys(h.Headers)) {
		args = append(args, "--header", k+": "+h.Headers[k])
	}
	return append(args, h.URL)
}

// wgetTimeout is a request's time limit in whole seconds, as wget -T and
// busybox timeout take it.
func wgetTimeout(timeout time.Duration) string {
	return fmt.Sprint(max(int(timeout.Seconds()), 1))
}

// httpTarget names what a request went to, with the headers that choose
// the virtual host, for messages.
func httpTarget(h *lessons.HTTPCheck) string {
	if len(h.Headers) == 0 {
		return h.URL
	}
	var hs []string
	for _, k := range slices.Sorted(maps.Keys(h.Headers)) {
		hs = append(hs, k+": "+h.Headers[k])
	}
	return fmt.Sprintf("%s (%s)", h.URL, strings.Join(hs, ", "))
}

// sampleRequestTime is what one request of an HTTP sample may add to a
// check's time limit: a wget in the cluster takes milliseconds, the rest
// is room for a loaded machine.
const sampleRequestTime = 200 * time.Millisecond

// sampleMark ends each response of a sample in the client's output, with
// "ok" or "fail" after it.
const sampleMark = "--kubedojo-sample--"

// sampleScript runs wget $n times in one exec (a kubectl exec per request
// would take seconds each on a busy cluster) and marks the end of each
// response: sh -c sampleScript sh N MARK SECONDS WGET-ARGS... The time
// limit goes through busybox's timeout applet: busybox sh runs its own
// wget applet, bypassing any wrapper on PATH, and the wget of Debian's
// busybox 1.35 crashes on -T.
const sampleScript = `n=$1; m=$2; t=$3; shift 3; i=0
while [ "$i" -lt "$n" ]; do
  if timeout "$t" wget "$@"; then r=ok; else r=fail; fi
  printf '\n%s %s\n' "$m" "$r"
  i=$((i+1))
done`

// sampleHTTP sends a sample of requests and grades how the responses
// divide between the shares.
func (ev *evaluation) sampleHTTP(ctx context.Context, pod *corev1.Pod, h *lessons.HTTPCheck, timeout time.Duration) (bool, string, error) {
	sm := h.Sample
	target := httpTarget(h)
	argv := append([]string{"sh", "-c", sampleScript, "sh", fmt.Sprint(sm.Requests), sampleMark, wgetTimeout(timeout), "-qO-"}, wgetArgs(h)...)
	ev.sawUnseen()
	res, err := ev.env.Exec.Exec(ctx, pod.Namespace, pod.Name, "", argv)
	if err != nil {
		if why := ev.stoppedDuringExec(ctx, pod, ""); why != "" {
			return false, why, nil
		}
		return false, "", err
	}
	if res.ExitCode == 127 {
		return false, "", envErrorf("pod %s has no sh or wget; sampling checks need a busybox-based client pod", pod.Name)
	}
	bodies, failed := splitSample(res.Stdout)
	if len(bodies)+failed < sm.Requests {
		return false, "", envErrorf("pod %s answered %d of %d sampled requests to %s (exit code %d)", pod.Name, len(bodies)+failed, sm.Requests, target, res.ExitCode)
	}
	if failed > 0 {
		return false, fmt.Sprintf("%d of %d requests from pod %s to %s failed: %s", failed, sm.Requests, pod.Name, target, wgetError(ExecResult{Stderr: res.Stderr, ExitCode: 1})), nil
	}
	var parts, wrong []string
	for _, sh := range sm.Shares {
		n := 0
		for _, b := range bodies {
			if strings.Contains(b, sh.Expect) {
				n++
			}
		}
		frac := float64(n) / float64(len(bodies))
		parts = append(parts, fmt.Sprintf("%q %d (%.0f %%)", sh.Expect, n, 100*frac))
		if lo, hi := sh.Band(); frac < lo || frac > hi {
			wrong = append(wrong, fmt.Sprintf("%q in %.0f–%.0f %%", sh.Expect, 100*lo, 100*hi))
		}
	}
	if len(wrong) > 0 {
		return false, fmt.Sprintf("of %d responses from %s to pod %s: %s; expected %s", len(bodies), target, pod.Name, strings.Join(parts, ", "), strings.Join(wrong, ", ")), nil
	}
	return true, "", nil
}

// splitSample cuts sampleScript's output into the bodies of the requests
// that succeeded, and counts those that failed.
func splitSample(out string) (bodies []string, failed int) {
	pieces := strings.Split(out, "\n"+sampleMark+" ")
	body := pieces[0]
	for _, p := range pieces[1:] {
		status, rest, _ := strings.Cut(p, "\n")
		if status == "ok" {
			bodies = append(bodies, body)
		} else {
			failed++
		}
		body = rest
	}
	return bodies, failed
}

// wgetError turns busybox wget's terse errors into an explanation.
func wgetError(res ExecResult) string {
	msg := firstLine(res.Stderr)
	switch {
	case strings.Contains(msg, "bad address"):
		return msg + " (the name does not resolve: is there a Service with that name in that namespace?)"
	case strings.Contains(msg, "timed out"):
		return msg + " (no answer: no ready endpoints, a wrong targetPort, or a NetworkPolicy dropping traffic)"
	case strings.Contains(msg, "Connection refused"):
		return msg + " (refused: a Service with no ready endpoints, or a port/targetPort that nothing listens on)"
	case strings.Contains(msg, "404 Not Found"):
		return msg + " (behind an ingress controller: no Ingress or HTTPRoute it serves matches this host and path; else the backend has no such page)"
	case strings.Contains(msg, "503 Service Unavailable") || strings.Contains(msg, "502 Bad Gateway"):
		return msg + " (the router matched, but its backend Service has no ready endpoint on that port)"
	case msg == "":
		return fmt.Sprintf("wget exited with code %d", res.ExitCode)
	}
	return msg
}

func (ev *evaluation) evalLogs(ctx context.Context, l *lessons.LogsCheck) (bool, string, error) {
	pods, why, err := ev.pickPods(ctx, l.Pod)
	if err != nil || why != "" {
		return false, why, err
	}
	var last string
	for _, p := range pods {
		ev.sawUnseen()
		req := ev.env.Kube.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{Container: l.Container, Previous: l.Previous, LimitBytes: ptr(int64(1 << 20))})
		raw, err := req.DoRaw(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return false, "", classifyAPIError(ctx.Err(), "logs of pod "+p.Name)
			}
			// Logs are unavailable while a container has not started yet:
			// that is the learner's state, not an outage.
			last = fmt.Sprintf("no logs from pod %s yet (%s)", p.Name, firstLine(err.Error()))
			continue
		}
		text := strings.TrimSpace(string(raw))
		m, err := evalExpect(ctx, l.Expect, []any{text}, ev.resolveValue, false)
		if err != nil {
			return false, "", err
		}
		if m == nil {
			return true, "", nil
		}
		last = fmt.Sprintf("the log of pod %s has no %s (last line: %s)", p.Name, strings.TrimPrefix(m.expected, "text "), lessons.FormatValue(truncate(lastLine(text), 120)))
	}
	return false, last, nil
}

func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func (ev *evaluation) evalNode(ctx context.Context, n *lessons.NodeCheck) (bool, string, error) {
	if ev.env.Node == nil {
		return false, "", envErrorf("node checks need a shell inside the node, which this cluster does not offer (use the kind lab)")
	}
	node := n.Node
	if node == "" {
		node = ev.env.Vars.Node
	}
	script, what := n.Command, "`"+n.Command+"` on node "+node
	if n.File != "" {
		script, what = "cat "+shellQuote([]string{n.File}), "file "+n.File+" on node "+node
	} else {
		var why string
		var err error
		if script, why, err = ev.expandShellAnswers(ctx, script); err != nil || why != "" {
			return false, why, err
		}
	}
	ev.sawUnseen()
	stdout, stderr, code, err := ev.env.Node.Exec(ctx, node, script)
	if err != nil {
		return false, "", &envError{err: fmt.Errorf("run on node %s: %w", node, err)}
	}
	if n.File != "" && code != 0 {
		return false, fmt.Sprintf("%s does not exist or cannot be read", what), nil
	}
	ok, why := judgeRun(ctx, ev, n.ExitCode, n.Fails, n.Stdout, ExecResult{Stdout: stdout, Stderr: stderr, ExitCode: code}, what)
	return ok, why, nil
}
