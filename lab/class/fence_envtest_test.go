package class_test

import (
	"context"
	"strings"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubedojo/kubedojo/lab/class"
)

// TestLearnerCannotRemoveTheFence: a learner administers their namespace
// (NetworkPolicies included, for the NetworkPolicy lessons) but cannot
// delete or change the class's fence, Role or RoleBinding there; class
// delete still removes everything, the admission policy too.
func TestLearnerCannotRemoveTheFence(t *testing.T) {
	ctx := context.Background()
	c, _ := envCluster(t)
	rec := testRecord("fence", "fen", "gil")
	dir, _ := createClass(t, c, rec)
	fen := learnerClient(t, class.KubeconfigFile(dir, "fen", false))
	nps := fen.NetworkingV1().NetworkPolicies("fen-svc-3")

	// The policy is enforced once the API server has loaded it.
	var err error
	deadline := time.Now().Add(20 * time.Second)
	for {
		err = nps.Delete(ctx, "kubedojo-class", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !apierrors.IsForbidden(err) && !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "instructor") {
		t.Fatalf("fen deletes the fence: %v, want a refusal that names the instructor", err)
	}
	_, err = nps.Patch(ctx, "kubedojo-class", types.MergePatchType, []byte(`{"spec":{"ingress":[{}]}}`), metav1.PatchOptions{})
	if err == nil || !strings.Contains(err.Error(), "instructor") {
		t.Errorf("fen opens the fence: %v", err)
	}
	if err := nps.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err == nil {
		t.Error("fen deleted every NetworkPolicy, the fence too")
	}
	if err := fen.RbacV1().RoleBindings("fen-svc-3").Delete(ctx, "kubedojo-class", metav1.DeleteOptions{}); err == nil || !strings.Contains(err.Error(), "instructor") {
		t.Errorf("fen deletes the class's RoleBinding: %v", err)
	}
	if _, err := nps.Get(ctx, "kubedojo-class", metav1.GetOptions{}); err != nil {
		t.Fatalf("the fence is gone: %v", err)
	}
	// Her own NetworkPolicies are hers.
	own := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "deny-all"}, Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}}
	if _, err := nps.Create(ctx, own, metav1.CreateOptions{}); err != nil {
		t.Fatalf("fen's own policy: %v", err)
	}
	if _, err := nps.Patch(ctx, "deny-all", types.MergePatchType, []byte(`{"metadata":{"labels":{"mine":"yes"}}}`), metav1.PatchOptions{}); err != nil {
		t.Errorf("fen changes her own policy: %v", err)
	}
	if err := nps.Delete(ctx, "deny-all", metav1.DeleteOptions{}); err != nil {
		t.Errorf("fen deletes her own policy: %v", err)
	}
	// The instructor may change and delete the fence.
	if err := c.Client.NetworkingV1().NetworkPolicies("gil-svc-3").Delete(ctx, "kubedojo-class", metav1.DeleteOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Errorf("the instructor deletes a fence: %v", err)
	}
	if _, err := class.Delete(ctx, c.Client, rec.Name); err != nil {
		t.Fatal(err)
	}
	pols, err := c.Client.AdmissionregistrationV1().ValidatingAdmissionPolicies().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pols.Items {
		if p.Labels[class.LabelClass] == rec.Name {
			t.Errorf("class delete left %s", p.Name)
		}
	}
	binds, err := c.Client.AdmissionregistrationV1().ValidatingAdmissionPolicyBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range binds.Items {
		if b.Labels[class.LabelClass] == rec.Name {
			t.Errorf("class delete left binding %s", b.Name)
		}
	}
}
