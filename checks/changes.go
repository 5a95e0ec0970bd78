package checks

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	"github.com/kubedojo/kubedojo/lessons"
)

// watchChanges returns a channel that receives a value whenever an object
// that one of the checks of ex whose index is in only reads is created,
// changed or deleted, until ctx ends. It lets Converge evaluate again the
// moment a rollout finishes instead of at its next poll. The informers
// keep only names and resource versions: the evaluation reads live state.
// Resources it may not watch simply send nothing (the poll remains).
func (g *Grader) watchChanges(ctx context.Context, ex *lessons.Exercise, only map[int]bool) <-chan struct{} {
	keys := map[depKey]bool{}
	for i := range ex.Checks {
		if !only[i] {
			continue
		}
		d, _ := g.dependencies(ex, &ex.Checks[i])
		for k := range d.keys {
			keys[k] = true
		}
	}
	ch := make(chan struct{}, 1)
	notify := func() {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	for k := range keys {
		inf := dynamicinformer.NewFilteredDynamicInformer(g.env.Dynamic, k.gvr, k.namespace, 0, cache.Indexers{}, nil).Informer()
		if err := inf.SetTransform(metadataOnly); err != nil {
			continue
		}
		_, err := inf.AddEventHandler(cache.ResourceEventHandlerDetailedFuncs{
			// The initial list is the state the last evaluation read.
			AddFunc: func(_ any, initial bool) {
				if !initial {
					notify()
				}
			},
			UpdateFunc: func(_, _ any) { notify() },
			DeleteFunc: func(any) { notify() },
		})
		if err != nil {
			continue
		}
		go inf.RunWithContext(ctx)
	}
	return ch
}

// metadataOnly is an informer transform that keeps what identifies an
// object and its version, so that a watch that only signals changes holds
// almost nothing in memory.
func metadataOnly(obj any) (any, error) {
	m, ok := obj.(metav1.Object)
	if !ok {
		// A tombstone (cache.DeletedFinalStateUnknown) and the like.
		return obj, nil
	}
	return &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{
		Name: m.GetName(), Namespace: m.GetNamespace(), ResourceVersion: m.GetResourceVersion(), UID: m.GetUID(),
	}}, nil
}
