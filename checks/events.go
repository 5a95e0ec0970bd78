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
	about, label, err := ev.eventSubject(ctx, e)
	if err != nil || label == "" {
		return false, about.notFound, err
	}
	events, err := ev.eventsAbout(ctx, about, e.Reason)
	if err != nil {
		return false, "", err
	}
	var matched []corev1.Event
	for _, event := range events {
		if !about.involves(event.InvolvedObject) || event.Reason != e.Reason {
			continue
		}
		if e.MessageContains != "" && !strings.Contains(event.Message, e.MessageContains) {
			continue
		}
		matched = append(matched, event)
	}
	switch {
	case e.Absent && len(matched) > 0:
		if about.prefix {
			label = fmt.Sprintf("%s %s", about.kind, matched[0].InvolvedObject.Name)
		}
		return false, fmt.Sprintf("%s has a %s event: %s", label, e.Reason, truncate(matched[0].Message, 160)), nil
	case !e.Absent && len(matched) == 0:
		what := e.Reason
		if e.MessageContains != "" {
			what += fmt.Sprintf(" (mentioning %q)", e.MessageContains)
		}
		if about.prefix {
			return false, fmt.Sprintf("no %s named %s… has a %s event", about.kind, about.name, what), nil
		}
		return false, fmt.Sprintf("%s has no %s event", label, what), nil
	}
	return true, "", nil
}

// eventSubject is the object events must be about: the uid of the live
// object, or (MatchesByName) its kind and name, whether it exists or not.
type eventSubject struct {
	// namespace holds the events (default for cluster-scoped objects).
	namespace  string
	kind, name string
	prefix     bool // name is a prefix of the involved object's
	uid        types.UID
	// notFound says why there is no subject (the object does not exist).
	notFound string
}

// involves reports whether an event's involved object is the subject.
func (s eventSubject) involves(o corev1.ObjectReference) bool {
	if s.uid != "" {
		return o.UID == s.uid
	}
	if s.prefix {
		return o.Kind == s.kind && strings.HasPrefix(o.Name, s.name)
	}
	return o.Kind == s.kind && o.Name == s.name
}

// selector is the field selector the API server filters the events with.
func (s eventSubject) selector(reason string) fields.Set {
	if s.uid != "" {
		return fields.Set{"involvedObject.uid": string(s.uid), "reason": reason}
	}
	if s.prefix {
		// Field selectors match whole values: the prefix is applied here.
		return fields.Set{"involvedObject.kind": s.kind, "reason": reason}
	}
	return fields.Set{"involvedObject.kind": s.kind, "involvedObject.name": s.name, "reason": reason}
}

// eventSubject resolves the check's object; label is "" (with the
// subject's notFound) when it matches by uid and the object is missing.
func (ev *evaluation) eventSubject(ctx context.Context, e *lessons.EventsCheck) (eventSubject, string, error) {
	if e.MatchesByName() {
		t, err := ev.env.resolve(e.Object, ev.ex.DefaultNamespace())
		if err != nil {
			return eventSubject{}, "", err
		}
		s := eventSubject{namespace: t.namespace, kind: t.gvk.Kind, name: e.Object.Name, prefix: e.NamePrefix}
		if s.namespace == "" {
			s.namespace = "default" // events about cluster-scoped objects live there
		}
		return s, fmt.Sprintf("%s %s", t.gvk.Kind, e.Object.Name), nil
	}
	t, obj, err := ev.object(ctx, e.Object)
	if err != nil {
		return eventSubject{}, "", err
	}
	if obj == nil {
		return eventSubject{notFound: ev.notFound(t)}, "", nil
	}
	s := eventSubject{namespace: obj.GetNamespace(), kind: t.gvk.Kind, name: obj.GetName(), uid: obj.GetUID()}
	if s.namespace == "" {
		s.namespace = "default"
	}
	return s, objName(t, obj), nil
}

// eventsAbout returns the events about the subject with a reason. Read live,
// the API server filters them with a field selector (a namespace can hold
// thousands of events); in watch mode the informer cache is filtered here.
func (ev *evaluation) eventsAbout(ctx context.Context, about eventSubject, reason string) ([]corev1.Event, error) {
	ns := about.namespace
	if readsLive(ev.reader) {
		ev.sawUnseen()
		sel := about.selector(reason).AsSelector().String()
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
