package checks

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("events", kindOf[*lessons.EventsCheck]{
		Eval: (*evaluation).evalEvents,
		Deps: func(dc *depCollector, e *lessons.EventsCheck) {
			dc.d.volatile = true
			dc.ref(e.Object)
			ns := e.Object.Namespace
			if ns == "" && !lessons.ClusterScoped(e.Object.Kind) {
				ns = dc.ex.DefaultNamespace()
			}
			if ns == "" {
				ns = "default"
			}
			dc.kind("Event", ns)
		},
	})
}

func (ev *evaluation) evalEvents(ctx context.Context, e *lessons.EventsCheck) (bool, string, error) {
	t, obj, err := ev.object(ctx, e.Object)
	if err != nil {
		return false, "", err
	}
	if obj == nil {
		return false, ev.notFound(t), nil
	}
	ns := obj.GetNamespace()
	if ns == "" {
		ns = "default" // events about cluster-scoped objects live there
	}
	events, err := ev.eventsAbout(ctx, ns, obj.GetUID(), e.Reason)
	if err != nil {
		return false, "", err
	}
	var matched []string
	for _, event := range events {
		if event.InvolvedObject.UID != obj.GetUID() || event.Reason != e.Reason {
			continue
		}
		if e.MessageContains != "" && !strings.Contains(event.Message, e.MessageContains) {
			continue
		}
		matched = append(matched, event.Message)
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

// eventsAbout returns the events about an object with a reason. Read live,
// the API server filters them with a field selector (a namespace can hold
// thousands of events); in watch mode the informer cache is filtered here.
func (ev *evaluation) eventsAbout(ctx context.Context, ns string, uid types.UID, reason string) ([]corev1.Event, error) {
	if readsLive(ev.reader) {
		ev.sawUnseen()
		sel := fields.Set{"involvedObject.uid": string(uid), "reason": reason}.AsSelector().String()
		list, err := ev.env.Kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel})
		if err != nil {
			return nil, classifyAPIError(err, "events in "+ns)
		}
		return list.Items, nil
	}
	et, err := ev.env.gvrFor("Event", ns)
	if err != nil {
		return nil, err
	}
	objs, err := ev.reader.list(ctx, et.gvr, ns, labels.Everything())
	if err != nil {
		return nil, classifyAPIError(err, "events in "+ns)
	}
	out := make([]corev1.Event, 0, len(objs))
	for _, o := range objs {
		var event corev1.Event
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &event); err == nil {
			out = append(out, event)
		}
	}
	return out, nil
}
