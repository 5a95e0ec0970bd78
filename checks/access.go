package checks

import (
	"context"
	"fmt"
	"strings"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("access", kindOf[*lessons.AccessCheck]{
		Eval: (*evaluation).evalAccess,
		Deps: func(dc *depCollector, a *lessons.AccessCheck) {
			dc.d.volatile = true
			dc.kind("ClusterRole", "")
			dc.kind("ClusterRoleBinding", "")
			for _, list := range [][]string{a.Allowed, a.Denied} {
				for _, s := range list {
					if req, err := lessons.ParseAccessRequest(s); err == nil && req.Namespace != "" {
						dc.kind("Role", req.Namespace)
						dc.kind("RoleBinding", req.Namespace)
					}
				}
			}
		},
	})
}

// evalAccess asks the API server's authorizer through SubjectAccessReviews,
// so the answer is what the cluster decides, not what RBAC objects appear
// to say.
func (ev *evaluation) evalAccess(ctx context.Context, a *lessons.AccessCheck) (bool, string, error) {
	user, groups := a.User, append([]string{}, a.Groups...)
	who := "user " + a.User
	if a.ServiceAccount != "" {
		ns, name, _ := strings.Cut(a.ServiceAccount, "/")
		user = fmt.Sprintf("system:serviceaccount:%s:%s", ns, name)
		groups = append(groups, "system:serviceaccounts", "system:serviceaccounts:"+ns)
		who = "ServiceAccount " + a.ServiceAccount
	}
	// Every real authenticated identity carries this group; leaving it out
	// would make the review stricter than reality.
	groups = append(groups, "system:authenticated")
	var wrong []string
	for _, list := range []struct {
		reqs    []string
		allowed bool
	}{{a.Allowed, true}, {a.Denied, false}} {
		for _, s := range list.reqs {
			req, err := lessons.ParseAccessRequest(s)
			if err != nil {
				return false, "", envErrorf("the exercise's access request is invalid: %v", err)
			}
			sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: user, Groups: groups,
				ResourceAttributes: &authorizationv1.ResourceAttributes{
					Namespace: req.Namespace, Verb: req.Verb, Group: req.Group,
					Resource: req.Resource, Subresource: req.Subresource, Name: req.Name,
				},
			}}
			ev.sawUnseen()
			res, err := ev.env.Kube.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
			if err != nil {
				return false, "", classifyAPIError(err, "a SubjectAccessReview")
			}
			if res.Status.EvaluationError != "" && !res.Status.Allowed && list.allowed {
				return false, "", envErrorf("the authorizer could not decide whether %s may %s: %s", who, req, res.Status.EvaluationError)
			}
			if res.Status.Allowed != list.allowed {
				if list.allowed {
					wrong = append(wrong, "cannot "+req.String())
				} else {
					wrong = append(wrong, "can "+req.String()+" but should not")
				}
			}
		}
	}
	if len(wrong) > 0 {
		return false, who + " " + strings.Join(wrong, "; "), nil
	}
	return true, "", nil
}
