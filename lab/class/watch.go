package class

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	"github.com/kubedojo/kubedojo/lab/class/record"
)

// Change is one change of a progress record, or the end of the watch's
// first listing (Synced) or of the watch (Err).
type Change struct {
	Progress record.Progress
	Deleted  bool
	Synced   bool
	Err      error
}

func progressSelector(class string) string {
	return labels.SelectorFromSet(labels.Set{LabelClass: class, LabelPart: PartProgress}).String()
}

// WatchProgress follows the class's progress records through an informer:
// one LIST, then a WATCH that the reflector resumes when it breaks; no
// polling. It calls on (from the informer's goroutine) with every record
// as it changes, once with Synced after the first listing, and returns
// when ctx is done.
func WatchProgress(ctx context.Context, cs kubernetes.Interface, class string, on func(Change)) error {
	lw := cache.NewFilteredListWatchFromClient(cs.CoreV1().RESTClient(), "configmaps", Namespace(class), func(o *metav1.ListOptions) {
		o.LabelSelector = progressSelector(class)
	})
	inf := cache.NewSharedIndexInformer(lw, &corev1.ConfigMap{}, 0, cache.Indexers{})
	send := func(obj any, deleted bool) {
		if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = d.Obj
		}
		cm, ok := obj.(*corev1.ConfigMap)
		if !ok {
			return
		}
		p, err := DecodeProgress(cm)
		if err != nil {
			on(Change{Err: err})
			return
		}
		on(Change{Progress: p, Deleted: deleted})
	}
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { send(obj, false) },
		UpdateFunc: func(_, obj any) { send(obj, false) },
		DeleteFunc: func(obj any) { send(obj, true) },
	}); err != nil {
		return fmt.Errorf("watch the progress of class %s: %w", class, err)
	}
	if err := inf.SetWatchErrorHandler(func(_ *cache.Reflector, err error) {
		on(Change{Err: fmt.Errorf("watch the progress of class %s: %w", class, err)})
	}); err != nil {
		return err
	}
	go inf.Run(ctx.Done())
	if cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		on(Change{Synced: true})
	}
	<-ctx.Done()
	return nil
}

// Snapshot reads every learner's progress record once (one LIST), for
// kubedojo class board --json/--csv.
func Snapshot(ctx context.Context, cs kubernetes.Interface, rec *Record) (*record.Board, error) {
	list, err := cs.CoreV1().ConfigMaps(Namespace(rec.Name)).List(ctx, metav1.ListOptions{LabelSelector: progressSelector(rec.Name)})
	if err != nil {
		return nil, fmt.Errorf("read the progress of class %s: %w", rec.Name, err)
	}
	b := NewBoard(rec)
	for i := range list.Items {
		p, err := DecodeProgress(&list.Items[i])
		if err != nil {
			return nil, err
		}
		b.Progress[p.Learner] = p
	}
	return b, nil
}

// NewBoard is an empty board of a class: its learners and exercises.
func NewBoard(rec *Record) *record.Board {
	b := &record.Board{Class: rec.Name, Learners: rec.Learners, Progress: map[string]record.Progress{}}
	for _, ex := range rec.Exercises {
		b.Exercises = append(b.Exercises, ex.ID)
	}
	return b
}
