package checks

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kubedojo/kubedojo/lessons"
)

func (ev *evaluation) evalEvents(ctx context.Context, e *lessons.EventsCheck) (bool, string, error) {
	t, obj, err := ev.object(ctx, e.Object)
	if err != nil {
		return false, "", err
	}
	if obj == nil {
		return false, notFound(t), nil
	}
	ns := obj.GetNamespace()
	if ns == "" {
		ns = "default" // events about cluster-scoped objects live there
	}
	et, err := ev.env.gvrFor("Event", ns)
	if err != nil {
		return false, "", err
	}
	objs, err := ev.reader.list(ctx, et.gvr, ns, labels.Everything())
	if err != nil {
		return false, "", classifyAPIError(err, "events in "+ns)
	}
	var matched []string
	for _, o := range objs {
		var ev corev1.Event
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &ev); err != nil {
			continue
		}
		if ev.InvolvedObject.UID != obj.GetUID() || ev.Reason != e.Reason {
			continue
		}
		if e.MessageContains != "" && !strings.Contains(ev.Message, e.MessageContains) {
			continue
		}
		matched = append(matched, ev.Message)
	}
	label := objName(t, obj)
	switch {
	case e.Absent && len(matched) > 0:
		return false, fmt.Sprintf("%s has a %s event: %s", label, e.Reason, truncate(matched[0], 160)), nil
	case !e.Absent && len(matched) == 0:
		what := e.Reason
		if e.MessageContains != "" {
			what += fmt.Sprintf(" (mentioning %q)", e.MessageContains)
		}
		return false, fmt.Sprintf("%s has no %s event", label, what), nil
	}
	return true, "", nil
}
