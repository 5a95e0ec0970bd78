package class

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/kubedojo/kubedojo/lab"
)

// Delete removes what class create made: the learner namespaces the class
// record lists (only those that still carry the class's labels), the
// class namespace, which holds the record, the ServiceAccounts (so every
// token of the class stops working at once) and the progress records,
// and the class's admission policy (guard.go). It
// returns the namespaces it deleted; nothing else on the cluster is
// touched.
func Delete(ctx context.Context, cs kubernetes.Interface, name string) ([]string, error) {
	rec, err := Get(ctx, cs, name)
	if err != nil {
		return nil, err
	}
	var deleted []string
	for _, ns := range rec.AllLearnerNamespaces() {
		got, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return deleted, fmt.Errorf("read namespace %s: %w", ns, err)
		}
		if got.Labels[LabelClass] != name || got.Labels[LabelPart] != PartLearner {
			continue // not the class's, whatever its name says
		}
		if err := deleteNamespace(ctx, cs, ns, got.UID); err != nil {
			return deleted, err
		}
		deleted = append(deleted, ns)
	}
	classNS, err := cs.CoreV1().Namespaces().Get(ctx, Namespace(name), metav1.GetOptions{})
	if err != nil {
		return deleted, fmt.Errorf("read namespace %s: %w", Namespace(name), err)
	}
	if err := deleteNamespace(ctx, cs, classNS.Name, classNS.UID); err != nil {
		return deleted, err
	}
	deleted = append(deleted, classNS.Name)
	return deleted, deleteGuard(ctx, cs, name)
}

// deleteNamespace deletes the namespace that was read, never one
// re-created under the same name since.
func deleteNamespace(ctx context.Context, cs kubernetes.Interface, name string, uid types.UID) error {
	err := cs.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete namespace %s: %w", name, err)
	}
	return nil
}

// Extend moves the class's expiry by d (from now, when it has expired
// already) and issues new kubeconfigs into dir; the old tokens keep their
// old expiry.
func Extend(ctx context.Context, c Cluster, name string, d time.Duration, dir string) (*Record, []Credential, error) {
	if d <= 0 {
		return nil, nil, fmt.Errorf("extend class %s: give a positive duration, such as --by 2h", name)
	}
	rec, err := Get(ctx, c.Client, name)
	if err != nil {
		return nil, nil, err
	}
	rec.Expires = later(rec.Expires, c.now()).Add(d)
	if err := writeRecord(ctx, c.Client, rec, false); err != nil {
		return nil, nil, err
	}
	patch := fmt.Appendf(nil, `{"metadata":{"annotations":{%q:%q}}}`, AnnotationExpires, rec.Expires.UTC().Format(time.RFC3339))
	for _, ns := range append([]string{Namespace(name)}, rec.AllLearnerNamespaces()...) {
		_, err := c.Client.CoreV1().Namespaces().Patch(ctx, ns, types.MergePatchType, patch, metav1.PatchOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, nil, fmt.Errorf("mark namespace %s with the new expiry: %w", ns, err)
		}
	}
	creds, err := IssueKubeconfigs(ctx, c, rec, dir)
	return rec, creds, err
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// List reads the record of every class on the cluster, by name.
func List(ctx context.Context, cs kubernetes.Interface) ([]*Record, error) {
	sel := labels.SelectorFromSet(labels.Set{LabelPart: PartClass, lab.LabelManagedBy: lab.ManagedBy})
	nss, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{LabelSelector: sel.String()})
	if err != nil {
		return nil, fmt.Errorf("list classes: %w", err)
	}
	var out []*Record
	for _, ns := range nss.Items {
		rec, err := Get(ctx, cs, ns.Labels[LabelClass])
		if errors.Is(err, ErrNotFound) {
			continue // a class being deleted
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	slices.SortFunc(out, func(a, b *Record) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
