package class

import (
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

func classLabels(class, learner, part string) map[string]string {
	l := map[string]string{lab.LabelManagedBy: lab.ManagedBy, LabelClass: class, LabelPart: part}
	if learner != "" {
		l[LabelLearner] = learner
	}
	return l
}

// Budget is what each learner namespace may use (its ResourceQuota) and
// what a container gets when it asks for nothing (its LimitRange).
type Budget struct {
	Pods           int
	RequestsCPU    resource.Quantity
	RequestsMemory resource.Quantity
	LimitsCPU      resource.Quantity
	LimitsMemory   resource.Quantity
	DefaultCPU     resource.Quantity
	DefaultMemory  resource.Quantity
}

// DefaultBudget is small enough for 30 learners on a three-node cluster
// and large enough for every namespaced exercise of the built-in course
// (the largest runs a 3-replica Deployment beside a few single pods).
func DefaultBudget() Budget {
	return Budget{
		Pods:           15,
		RequestsCPU:    resource.MustParse("1"),
		RequestsMemory: resource.MustParse("1Gi"),
		LimitsCPU:      resource.MustParse("2"),
		LimitsMemory:   resource.MustParse("2Gi"),
		DefaultCPU:     resource.MustParse("100m"),
		DefaultMemory:  resource.MustParse("64Mi"),
	}
}

// learnerNamespace is a learner's exercise namespace, labelled so that
// the network fence and class delete can find it, with the labels
// kubedojo's own exercise namespaces get from the same functions: Pod
// Security at least baseline (lab.SetPodSecurity; restricted when an
// exercise of the namespace says so) and the instance of the learner's
// work (InstanceID), which the learner's kubedojo labels its objects with.
func learnerNamespace(rec *Record, learner, name string) *corev1.Namespace {
	l := classLabels(rec.Name, learner, PartLearner)
	l[lab.LabelInstance] = InstanceID(rec.Name, learner)
	lab.SetPodSecurity(l, lessons.DefaultPodSecurity)
	for _, ex := range rec.Exercises {
		if ex.PodSecurity != "" && slices.ContainsFunc(ex.Namespaces, func(ns string) bool { return LearnerNamespace(learner, ns) == name }) {
			lab.SetPodSecurity(l, ex.PodSecurity)
		}
	}
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: name, Labels: l,
		Annotations: map[string]string{AnnotationExpires: rec.Expires.UTC().Format(time.RFC3339)},
	}}
}

// learnerVerbs are the verbs a learner has in their namespaces: no bind,
// escalate or impersonate, so a RoleBinding can grant only what the
// learner already holds.
var learnerVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}

// learnerRules is what a learner may do in one of their namespaces: the
// namespaced workload, configuration, networking and RBAC API the course
// teaches. The namespace itself, its quota and its limits are read-only,
// so the learner cannot lift Pod Security or the budget. The rules are
// spelled out rather than bound to the built-in "admin" ClusterRole,
// whose aggregated rules differ between clusters (and are empty where no
// controller manager aggregates them).
func learnerRules() []rbacv1.PolicyRule {
	read := []string{"get", "list", "watch"}
	return []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Verbs: learnerVerbs, Resources: []string{
			"pods", "pods/log", "pods/exec", "pods/attach", "pods/portforward", "pods/eviction", "pods/ephemeralcontainers",
			"services", "services/proxy", "endpoints", "configmaps", "secrets", "serviceaccounts", "serviceaccounts/token",
			"persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "events", "podtemplates",
		}},
		{APIGroups: []string{""}, Verbs: read, Resources: []string{"resourcequotas", "resourcequotas/status", "limitranges", "pods/status", "services/status"}},
		{APIGroups: []string{""}, Verbs: []string{"get", "watch"}, Resources: []string{"namespaces"}},
		{APIGroups: []string{"apps", "batch", "autoscaling", "policy", "networking.k8s.io", "discovery.k8s.io", "coordination.k8s.io", "events.k8s.io"}, Verbs: learnerVerbs, Resources: []string{"*"}},
		{APIGroups: []string{"rbac.authorization.k8s.io"}, Verbs: learnerVerbs, Resources: []string{"roles", "rolebindings"}},
		{APIGroups: []string{"authorization.k8s.io"}, Verbs: []string{"create"}, Resources: []string{"localsubjectaccessreviews"}},
	}
}

func learnerSubject(class, learner string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: ServiceAccountName(learner), Namespace: Namespace(class)}
}

// namespaceObjects are what a learner namespace holds besides the
// learner's own work: their Role and its binding, the budget, and the
// network fence.
func namespaceObjects(rec *Record, learner, ns string, b Budget) (*rbacv1.Role, *rbacv1.RoleBinding, *corev1.ResourceQuota, *corev1.LimitRange, *networkingv1.NetworkPolicy) {
	meta := metav1.ObjectMeta{Name: objectName, Namespace: ns, Labels: classLabels(rec.Name, learner, PartLearner)}
	role := &rbacv1.Role{ObjectMeta: meta, Rules: learnerRules()}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: meta,
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: objectName},
		Subjects:   []rbacv1.Subject{learnerSubject(rec.Name, learner)},
	}
	quota := &corev1.ResourceQuota{ObjectMeta: meta, Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
		corev1.ResourcePods:                   *resource.NewQuantity(int64(b.Pods), resource.DecimalSI),
		corev1.ResourceRequestsCPU:            b.RequestsCPU,
		corev1.ResourceRequestsMemory:         b.RequestsMemory,
		corev1.ResourceLimitsCPU:              b.LimitsCPU,
		corev1.ResourceLimitsMemory:           b.LimitsMemory,
		corev1.ResourcePersistentVolumeClaims: resource.MustParse("4"),
		corev1.ResourceRequestsStorage:        resource.MustParse("4Gi"),
		corev1.ResourceServicesLoadBalancers:  resource.MustParse("0"),
		corev1.ResourceServicesNodePorts:      resource.MustParse("2"),
	}}}
	limits := &corev1.LimitRange{ObjectMeta: meta, Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{
		Type:           corev1.LimitTypeContainer,
		Default:        corev1.ResourceList{corev1.ResourceCPU: b.DefaultCPU, corev1.ResourceMemory: b.DefaultMemory},
		DefaultRequest: corev1.ResourceList{corev1.ResourceCPU: b.DefaultCPU, corev1.ResourceMemory: b.DefaultMemory},
	}}}}
	// The fence selects every pod for ingress and admits only pods in the
	// same learner's namespaces of this class; learners cannot relabel
	// namespaces, so the selector cannot be forged.
	fence := &networkingv1.NetworkPolicy{ObjectMeta: meta, Spec: networkingv1.NetworkPolicySpec{
		PodSelector: metav1.LabelSelector{},
		PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
		Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{LabelClass: rec.Name, LabelLearner: learner}},
		}}}},
	}}
	return role, binding, quota, limits, fence
}

// recordRole lets a subject read and update one learner's progress record
// (resourceNames cannot limit create, so class create makes the record).
func recordRole(class, learner, name string) (*rbacv1.Role, *rbacv1.RoleBinding) {
	meta := metav1.ObjectMeta{Name: name, Namespace: Namespace(class), Labels: classLabels(class, learner, PartProgress)}
	role := &rbacv1.Role{ObjectMeta: meta, Rules: []rbacv1.PolicyRule{{
		APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{ProgressName(learner)},
		Verbs: []string{"get", "update", "patch"},
	}}}
	binding := &rbacv1.RoleBinding{
		ObjectMeta: meta,
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: Namespace(class)}},
	}
	return role, binding
}
