package checks

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("service", kindOf[*lessons.ServiceCheck]{
		Eval: (*evaluation).evalService,
		Deps: func(dc *depCollector, s *lessons.ServiceCheck) {
			ns := dc.ns(s.Namespace)
			dc.kind("Service", ns)
			dc.kind("Pod", ns)
			dc.kind("EndpointSlice", ns)
		},
	})
	register("selects", kindOf[*lessons.SelectsCheck]{
		Eval: (*evaluation).evalSelects,
		Deps: func(dc *depCollector, s *lessons.SelectsCheck) {
			dc.ref(s.Object)
			dc.kind("Pod", dc.ns(s.Object.Namespace))
		},
	})
}

func (ev *evaluation) evalService(ctx context.Context, sc *lessons.ServiceCheck) (bool, string, error) {
	ns := ev.namespaceOr(sc.Namespace)
	svc, err := getTyped[corev1.Service](ctx, ev, "Service", ns, sc.Name)
	if err != nil {
		return false, "", err
	}
	if svc == nil {
		return false, ev.missingNamed("Service", ns, sc.Name), nil
	}
	label := "Service " + svc.Name
	typ := svc.Spec.Type
	if typ == "" {
		typ = corev1.ServiceTypeClusterIP
	}
	if sc.Type != "" && string(typ) != sc.Type {
		return false, fmt.Sprintf("%s is of type %s, expected %s", label, typ, sc.Type), nil
	}
	if sc.Headless && svc.Spec.ClusterIP != corev1.ClusterIPNone {
		return false, fmt.Sprintf("%s has clusterIP %q; a headless Service has clusterIP: None (it cannot be changed in place: recreate the Service)", label, svc.Spec.ClusterIP), nil
	}
	if sc.ExternalName != "" && svc.Spec.ExternalName != sc.ExternalName {
		return false, fmt.Sprintf("%s has externalName %q, expected %q", label, svc.Spec.ExternalName, sc.ExternalName), nil
	}
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	if sc.NoSelector && len(svc.Spec.Selector) > 0 {
		return false, fmt.Sprintf("%s has a selector (%s); it must have none", label, sel), nil
	}
	var selected []*corev1.Pod
	listed := len(svc.Spec.Selector) > 0 && (sc.Selects != "" || sc.TargetPort != nil)
	if listed {
		selected, err = ev.listPods(ctx, ns, sel)
		if err != nil {
			return false, "", err
		}
	}
	if sc.Selects != "" {
		want, err := labels.Parse(sc.Selects)
		if err != nil {
			return false, "", envErrorf("the exercise's selector %q is invalid: %v", sc.Selects, err)
		}
		if ok, why, err := ev.selectsExactly(ctx, ns, label, svc.Spec.Selector == nil, sel, selected, want); err != nil || !ok {
			return false, why, err
		}
	}
	if sc.Port != nil || sc.TargetPort != nil || sc.NodePort != nil {
		port, why := pickServicePort(svc, sc.Port)
		if port == nil {
			return false, label + ": " + why, nil
		}
		if sc.TargetPort != nil {
			got, why := resolveTargetPort(*port, selected)
			if why != "" {
				return false, label + ": " + why, nil
			}
			if got != int32(*sc.TargetPort) {
				return false, fmt.Sprintf("%s port %d sends traffic to container port %d (targetPort %s), expected %d", label, port.Port, got, port.TargetPort.String(), *sc.TargetPort), nil
			}
		}
		if sc.NodePort != nil && port.NodePort != int32(*sc.NodePort) {
			return false, fmt.Sprintf("%s port %d has nodePort %d, expected %d", label, port.Port, port.NodePort, *sc.NodePort), nil
		}
	}
	if sc.ReadyEndpoints != nil {
		ready, total, err := ev.readyEndpoints(ctx, ns, svc.Name)
		if err != nil {
			return false, "", err
		}
		if ready != *sc.ReadyEndpoints {
			msg := fmt.Sprintf("%s has %d ready endpoint(s) (of %d), expected %d", label, ready, total, *sc.ReadyEndpoints)
			if len(svc.Spec.Selector) > 0 && total == 0 {
				// Read the selected pods: the message then says whether any
				// exist, and convergence sees pods that are still starting.
				if !listed {
					if selected, err = ev.listPods(ctx, ns, sel); err != nil {
						return false, "", err
					}
				}
				if n := notReadyPods(selected); len(selected) == 0 {
					msg += fmt.Sprintf("; its selector %s matches no pod", sel)
				} else if n > 0 {
					msg += fmt.Sprintf("; its selector %s matches %d pod(s), %d of them not ready yet (starting or failing)", sel, len(selected), n)
				}
			}
			return false, msg, nil
		}
	}
	return true, "", nil
}

func pickServicePort(svc *corev1.Service, want *int) (*corev1.ServicePort, string) {
	if want == nil {
		if len(svc.Spec.Ports) == 1 {
			return &svc.Spec.Ports[0], ""
		}
		return nil, fmt.Sprintf("expected one port, found %d", len(svc.Spec.Ports))
	}
	var have []string
	for i := range svc.Spec.Ports {
		if int(svc.Spec.Ports[i].Port) == *want {
			return &svc.Spec.Ports[i], ""
		}
		have = append(have, fmt.Sprint(svc.Spec.Ports[i].Port))
	}
	return nil, fmt.Sprintf("has no port %d (ports: %s)", *want, strings.Join(have, ", "))
}

// resolveTargetPort turns a Service port's targetPort into a container
// port number; named ports are looked up on the selected pods.
func resolveTargetPort(p corev1.ServicePort, pods []*corev1.Pod) (int32, string) {
	tp := p.TargetPort
	if tp.Type == intstr.Int {
		if tp.IntVal == 0 {
			return p.Port, ""
		}
		return tp.IntVal, ""
	}
	for _, pod := range pods {
		for _, c := range pod.Spec.Containers {
			for _, cp := range c.Ports {
				if cp.Name == tp.StrVal {
					return cp.ContainerPort, ""
				}
			}
		}
	}
	if len(pods) == 0 {
		return 0, fmt.Sprintf("targetPort %q is a port name, and no selected pod declares it (the Service selects no pods)", tp.StrVal)
	}
	return 0, fmt.Sprintf("targetPort %q names a port that the selected pods do not declare", tp.StrVal)
}

func (ev *evaluation) readyEndpoints(ctx context.Context, ns, svc string) (ready, total int, err error) {
	t, err := ev.env.gvrFor("EndpointSlice", ns)
	if err != nil {
		return 0, 0, err
	}
	sel := labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: svc})
	objs, err := ev.reader.list(ctx, t.gvr, ns, sel)
	if err != nil {
		return 0, 0, classifyAPIError(err, "EndpointSlices of "+svc)
	}
	seen := map[string]bool{}
	for _, o := range objs {
		var slice discoveryv1.EndpointSlice
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &slice); err != nil {
			return 0, 0, envErrorf("decode EndpointSlice %s: %v", o.GetName(), err)
		}
		for _, e := range slice.Endpoints {
			key := strings.Join(e.Addresses, ",")
			if seen[key] {
				continue
			}
			seen[key] = true
			total++
			// A nil ready condition means "unknown", which consumers treat
			// as ready.
			if e.Conditions.Ready == nil || *e.Conditions.Ready {
				ready++
			}
		}
	}
	return ready, total, nil
}

// selectsExactly checks that the pods a selector picks are exactly the
// pods matching want in ns.
func (ev *evaluation) selectsExactly(ctx context.Context, ns, label string, nilSelector bool, sel labels.Selector, selected []*corev1.Pod, want labels.Selector) (bool, string, error) {
	if nilSelector {
		return false, label + " has no selector", nil
	}
	wanted, err := ev.listPods(ctx, ns, want)
	if err != nil {
		return false, "", err
	}
	if len(wanted) == 0 {
		return false, "", envErrorf("no pods match %s in %s to compare with; reset the exercise", want, ns)
	}
	in := map[string]bool{}
	for _, p := range selected {
		in[p.Name] = true
	}
	for _, p := range wanted {
		if !in[p.Name] {
			return false, fmt.Sprintf("%s's selector %s does not select pod %s (labels %s)", label, showSelector(sel), p.Name, showLabels(p.Labels)), nil
		}
	}
	isWanted := map[string]bool{}
	for _, p := range wanted {
		isWanted[p.Name] = true
	}
	for _, p := range selected {
		if !isWanted[p.Name] {
			return false, fmt.Sprintf("%s's selector %s also selects pod %s, which it should not", label, showSelector(sel), p.Name), nil
		}
	}
	return true, "", nil
}

func (ev *evaluation) evalSelects(ctx context.Context, sc *lessons.SelectsCheck) (bool, string, error) {
	t, obj, err := ev.object(ctx, sc.Object)
	if err != nil {
		return false, "", err
	}
	if obj == nil {
		return false, ev.notFound(t), nil
	}
	vals, err := evalPath(obj.Object, sc.Path)
	if err != nil {
		return false, "", err
	}
	label := objName(t, obj)
	if len(vals) == 0 || vals[0] == nil {
		return false, fmt.Sprintf("%s has no selector at %s", label, sc.Path), nil
	}
	raw, ok := vals[0].(map[string]any)
	if !ok {
		return false, fmt.Sprintf("%s: %s is not a selector", label, sc.Path), nil
	}
	var sel labels.Selector
	if _, isLS := raw["matchLabels"]; isLS || raw["matchExpressions"] != nil || len(raw) == 0 {
		var ls metav1.LabelSelector
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &ls); err != nil {
			return false, fmt.Sprintf("%s: invalid selector: %v", label, err), nil
		}
		if sel, err = metav1.LabelSelectorAsSelector(&ls); err != nil {
			return false, fmt.Sprintf("%s: invalid selector: %v", label, err), nil
		}
	} else {
		set := labels.Set{}
		for k, v := range raw {
			set[k] = fmt.Sprint(v)
		}
		sel = labels.SelectorFromSet(set)
	}
	want, err := labels.Parse(sc.Pods)
	if err != nil {
		return false, "", envErrorf("the exercise's selector %q is invalid: %v", sc.Pods, err)
	}
	ns := obj.GetNamespace()
	if ns == "" {
		ns = ev.ex.DefaultNamespace()
	}
	selected, err := ev.listPods(ctx, ns, sel)
	if err != nil {
		return false, "", err
	}
	if !sc.Only {
		wanted, err := ev.listPods(ctx, ns, want)
		if err != nil {
			return false, "", err
		}
		in := map[string]bool{}
		for _, p := range selected {
			in[p.Name] = true
		}
		for _, p := range wanted {
			if !in[p.Name] {
				return false, fmt.Sprintf("%s's selector %s does not select pod %s", label, showSelector(sel), p.Name), nil
			}
		}
		return true, "", nil
	}
	return ev.selectsExactly(ctx, ns, label, false, sel, selected, want)
}

// showSelector renders a selector for a message; an empty one selects
// everything and would otherwise print as nothing.
func showSelector(sel labels.Selector) string {
	if sel == nil || sel.Empty() {
		return "{} (empty: it selects every pod)"
	}
	return sel.String()
}

// showLabels renders a pod's labels for a message.
func showLabels(set map[string]string) string {
	if len(set) == 0 {
		return "none"
	}
	return labels.Set(set).String()
}

// notReadyPods counts the pods that are not Ready.
func notReadyPods(pods []*corev1.Pod) int {
	n := 0
	for _, p := range pods {
		if !podReady(p) {
			n++
		}
	}
	return n
}
