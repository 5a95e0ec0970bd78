package class

import (
	"context"
	"fmt"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// instructorNeeds are the rights class create and delete use; binding
// the learners' Roles needs every right those Roles grant, which in
// practice means cluster-admin.
var instructorNeeds = []authorizationv1.ResourceAttributes{
	{Verb: "create", Resource: "namespaces"},
	{Verb: "delete", Resource: "namespaces"},
	{Verb: "create", Resource: "serviceaccounts", Subresource: "token"},
	{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "rolebindings"},
	{Verb: "create", Resource: "resourcequotas"},
	{Verb: "create", Group: "networking.k8s.io", Resource: "networkpolicies"},
	{Verb: "*", Group: "*", Resource: "*"},
}

// CheckInstructor asks the cluster whether the caller may run a class
// (SelfSubjectAccessReviews), and says which rights are missing.
func CheckInstructor(ctx context.Context, cs kubernetes.Interface) error {
	var missing []string
	for _, need := range instructorNeeds {
		ra := need
		r, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
			Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &ra},
		}, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("ask the cluster what you may do: %w", err)
		}
		if !r.Status.Allowed {
			what := need.Resource
			if need.Subresource != "" {
				what += "/" + need.Subresource
			}
			missing = append(missing, need.Verb+" "+what)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("running a class needs cluster-admin on the class cluster; your credentials may not: %s", strings.Join(missing, ", "))
	}
	return nil
}
