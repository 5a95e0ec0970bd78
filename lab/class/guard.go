package class

import (
	"context"
	"fmt"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// A learner administers their namespaces, NetworkPolicies, Roles and
// RoleBindings included (the course teaches them), and RBAC cannot
// exempt one object by name from update and delete. So the class's own
// objects there — the network fence that keeps learners apart, the Role
// and RoleBinding that give the learner their rights — are guarded by a
// ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1, GA since
// Kubernetes 1.30): in the class's learner namespaces, an update or
// delete of an object labelled with the class is refused when it comes
// from a ServiceAccount of the class. The instructor, and the namespace
// controller when class delete removes a namespace, are not refused.

// guardName names the class's admission policy and its binding.
func guardName(class string) string { return "kubedojo-class-" + class + "-guard" }

// guardObjects are the class's admission policy and its binding.
func guardObjects(class string) (*admissionv1.ValidatingAdmissionPolicy, *admissionv1.ValidatingAdmissionPolicyBinding) {
	meta := metav1.ObjectMeta{Name: guardName(class), Labels: classLabels(class, "", PartClass)}
	fail := admissionv1.Fail
	policy := &admissionv1.ValidatingAdmissionPolicy{ObjectMeta: meta, Spec: admissionv1.ValidatingAdmissionPolicySpec{
		FailurePolicy: &fail,
		MatchConstraints: &admissionv1.MatchResources{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{LabelClass: class, LabelPart: PartLearner}},
			ResourceRules: []admissionv1.NamedRuleWithOperations{{RuleWithOperations: admissionv1.RuleWithOperations{
				Operations: []admissionv1.OperationType{admissionv1.Update, admissionv1.Delete},
				Rule: admissionv1.Rule{
					APIGroups: []string{"networking.k8s.io", "rbac.authorization.k8s.io"}, APIVersions: []string{"*"},
					Resources: []string{"networkpolicies", "roles", "rolebindings"},
				},
			}}},
		},
		MatchConditions: []admissionv1.MatchCondition{{
			Name:       "class-object",
			Expression: fmt.Sprintf("oldObject != null && has(oldObject.metadata.labels) && %q in oldObject.metadata.labels", LabelClass),
		}},
		Validations: []admissionv1.Validation{{
			Expression: fmt.Sprintf("!request.userInfo.username.startsWith(%q)", "system:serviceaccount:"+Namespace(class)+":"),
			Message: fmt.Sprintf("this object belongs to your instructor: kubedojo class %s keeps learners apart with it and gives you your rights through it, "+
				"so learners may not change or delete it (your own NetworkPolicies, Roles and RoleBindings are yours)", class),
			Reason: ptr(metav1.StatusReasonForbidden),
		}},
	}}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{ObjectMeta: meta, Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
		PolicyName: meta.Name, ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
	}}
	return policy, binding
}

func ptr[T any](v T) *T { return &v }

// createGuard creates the class's admission policy and its binding.
func createGuard(ctx context.Context, cs kubernetes.Interface, class string) error {
	policy, binding := guardObjects(class)
	vap := cs.AdmissionregistrationV1()
	if err := create(ctx, func() error {
		_, err := vap.ValidatingAdmissionPolicies().Create(ctx, policy, metav1.CreateOptions{})
		return err
	}, "admission policy", policy.Name); err != nil {
		return fmt.Errorf("%w (a class needs ValidatingAdmissionPolicy, Kubernetes 1.30 or later)", err)
	}
	return create(ctx, func() error {
		_, err := vap.ValidatingAdmissionPolicyBindings().Create(ctx, binding, metav1.CreateOptions{})
		return err
	}, "admission policy binding", binding.Name)
}

// deleteGuard deletes the class's admission policy and its binding
// (none is fine: a class made before they existed).
func deleteGuard(ctx context.Context, cs kubernetes.Interface, class string) error {
	vap := cs.AdmissionregistrationV1()
	name := guardName(class)
	if err := vap.ValidatingAdmissionPolicyBindings().Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete admission policy binding %s: %w", name, err)
	}
	if err := vap.ValidatingAdmissionPolicies().Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete admission policy %s: %w", name, err)
	}
	return nil
}
