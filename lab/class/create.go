package class

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Cluster is the class cluster as the instructor reaches it.
type Cluster struct {
	Client kubernetes.Interface
	// Config is the instructor's connection; the learners' kubeconfigs
	// name the same server and CA.
	Config *rest.Config
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (c Cluster) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// CreateOptions are what class create needs beyond the record.
type CreateOptions struct {
	Budget Budget
	// Dir receives the learners' kubeconfig files.
	Dir string
}

// Create creates a class: its namespace and record, and for each learner
// a ServiceAccount, a progress record, the learner namespaces with their
// Role, budget and fence, and two kubeconfigs (the learner's, and the
// reporter's for --report-to). It refuses, before creating anything, when
// the class or any namespace it needs exists already.
func Create(ctx context.Context, c Cluster, rec Record, opts CreateOptions) ([]Credential, error) {
	if err := rec.Validate(); err != nil {
		return nil, err
	}
	cs := c.Client
	for _, ns := range append([]string{Namespace(rec.Name)}, rec.AllLearnerNamespaces()...) {
		_, err := cs.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		switch {
		case err == nil:
			return nil, fmt.Errorf("namespace %s %w; choose another class or learner name (kubedojo class list shows the classes)", ns, ErrExists)
		case !apierrors.IsNotFound(err):
			return nil, fmt.Errorf("look for namespace %s: %w", ns, err)
		}
	}
	classNS := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: Namespace(rec.Name), Labels: classLabels(rec.Name, "", PartClass),
		Annotations: map[string]string{AnnotationExpires: rec.Expires.UTC().Format(time.RFC3339)},
	}}
	if err := create(ctx, func() error {
		_, err := cs.CoreV1().Namespaces().Create(ctx, classNS, metav1.CreateOptions{})
		return err
	}, "namespace", classNS.Name); err != nil {
		return nil, err
	}
	if err := writeRecord(ctx, cs, &rec, true); err != nil {
		return nil, err
	}
	if err := createGuard(ctx, cs, rec.Name); err != nil {
		return nil, err
	}
	for _, learner := range rec.Learners {
		if err := createLearner(ctx, cs, &rec, learner, opts.Budget); err != nil {
			return nil, err
		}
	}
	return IssueKubeconfigs(ctx, c, &rec, opts.Dir)
}

func createLearner(ctx context.Context, cs kubernetes.Interface, rec *Record, learner string, b Budget) error {
	classNS := Namespace(rec.Name)
	prog, err := progressRecord(rec, learner)
	if err != nil {
		return err
	}
	if err := create(ctx, func() error {
		_, err := cs.CoreV1().ConfigMaps(classNS).Create(ctx, prog, metav1.CreateOptions{})
		return err
	}, "progress record", prog.Name); err != nil {
		return err
	}
	for _, sa := range []string{ServiceAccountName(learner), ReporterName(learner)} {
		acct := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: classNS, Labels: classLabels(rec.Name, learner, PartProgress)}}
		role, binding := recordRole(rec.Name, learner, sa)
		steps := []struct {
			what string
			do   func() error
		}{
			{"service account", func() error {
				_, err := cs.CoreV1().ServiceAccounts(classNS).Create(ctx, acct, metav1.CreateOptions{})
				return err
			}},
			{"role", func() error {
				_, err := cs.RbacV1().Roles(classNS).Create(ctx, role, metav1.CreateOptions{})
				return err
			}},
			{"role binding", func() error {
				_, err := cs.RbacV1().RoleBindings(classNS).Create(ctx, binding, metav1.CreateOptions{})
				return err
			}},
		}
		for _, s := range steps {
			if err := create(ctx, s.do, s.what, classNS+"/"+sa); err != nil {
				return err
			}
		}
	}
	for _, ns := range rec.LearnerNamespaces(learner) {
		if err := createLearnerNamespace(ctx, cs, rec, learner, ns, b); err != nil {
			return err
		}
	}
	return nil
}

func createLearnerNamespace(ctx context.Context, cs kubernetes.Interface, rec *Record, learner, ns string, b Budget) error {
	if err := create(ctx, func() error {
		_, err := cs.CoreV1().Namespaces().Create(ctx, learnerNamespace(rec, learner, ns), metav1.CreateOptions{})
		return err
	}, "namespace", ns); err != nil {
		return err
	}
	role, binding, quota, limits, fence := namespaceObjects(rec, learner, ns, b)
	steps := []struct {
		what string
		do   func() error
	}{
		{"role", func() error { _, err := cs.RbacV1().Roles(ns).Create(ctx, role, metav1.CreateOptions{}); return err }},
		{"role binding", func() error {
			_, err := cs.RbacV1().RoleBindings(ns).Create(ctx, binding, metav1.CreateOptions{})
			return err
		}},
		{"resource quota", func() error {
			_, err := cs.CoreV1().ResourceQuotas(ns).Create(ctx, quota, metav1.CreateOptions{})
			return err
		}},
		{"limit range", func() error {
			_, err := cs.CoreV1().LimitRanges(ns).Create(ctx, limits, metav1.CreateOptions{})
			return err
		}},
		{"network policy", func() error {
			_, err := cs.NetworkingV1().NetworkPolicies(ns).Create(ctx, fence, metav1.CreateOptions{})
			return err
		}},
	}
	for _, s := range steps {
		if err := create(ctx, s.do, s.what, ns+"/"+objectName); err != nil {
			return err
		}
	}
	return nil
}

// create runs one create call; an object that exists already (a create
// retried after an interruption) is fine.
func create(ctx context.Context, do func() error, what, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := do(); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create %s %s: %w", what, name, err)
	}
	return nil
}

// writeRecord creates (fresh) or updates the class record.
func writeRecord(ctx context.Context, cs kubernetes.Interface, rec *Record, fresh bool) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	cms := cs.CoreV1().ConfigMaps(Namespace(rec.Name))
	if fresh {
		cm := &corev1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Name: RecordName, Namespace: Namespace(rec.Name), Labels: classLabels(rec.Name, "", PartClass)},
			Data:       map[string]string{recordKey: string(data)},
		}
		return create(ctx, func() error { _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); return err }, "class record", cm.Namespace+"/"+cm.Name)
	}
	cm, err := cms.Get(ctx, RecordName, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("read the record of class %s: %w", rec.Name, err)
	}
	cm.Data = map[string]string{recordKey: string(data)}
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update the record of class %s: %w", rec.Name, err)
	}
	return nil
}

// Get reads a class record; ErrNotFound when the class does not exist or
// is being deleted (its namespace is terminating).
func Get(ctx context.Context, cs kubernetes.Interface, name string) (*Record, error) {
	ns, err := cs.CoreV1().Namespaces().Get(ctx, Namespace(name), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("class %s: %w (kubedojo class list shows the classes)", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read class %s: %w", name, err)
	}
	if ns.DeletionTimestamp != nil {
		return nil, fmt.Errorf("class %s: %w (it is being deleted)", name, ErrNotFound)
	}
	cm, err := cs.CoreV1().ConfigMaps(Namespace(name)).Get(ctx, RecordName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("class %s: %w (kubedojo class list shows the classes)", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read class %s: %w", name, err)
	}
	if cm.Labels[LabelClass] != name || cm.Labels[LabelPart] != PartClass {
		return nil, fmt.Errorf("class %s: %w (%s/%s lacks the class labels)", name, ErrNotFound, cm.Namespace, cm.Name)
	}
	var rec Record
	if err := json.Unmarshal([]byte(cm.Data[recordKey]), &rec); err != nil {
		return nil, fmt.Errorf("read class %s: %w", name, err)
	}
	return &rec, nil
}

// IssueKubeconfigs requests new tokens, expiring with the class, for every
// learner and reporter, and writes their kubeconfigs into dir.
func IssueKubeconfigs(ctx context.Context, c Cluster, rec *Record, dir string) ([]Credential, error) {
	now := c.now()
	var out []Credential
	for _, learner := range rec.Learners {
		first := ""
		if nss := rec.LearnerNamespaces(learner); len(nss) > 0 {
			first = nss[0]
		}
		for _, reporter := range []bool{false, true} {
			sa, ns := ServiceAccountName(learner), first
			if reporter {
				sa, ns = ReporterName(learner), Namespace(rec.Name)
			}
			path := KubeconfigFile(dir, learner, reporter)
			exp, err := issue(ctx, c.Client, c.Config, rec, sa, ns, path, now)
			if err != nil {
				return out, err
			}
			out = append(out, Credential{Learner: learner, Reporter: reporter, Path: path, Expires: exp})
		}
	}
	return out, nil
}
