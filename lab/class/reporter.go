package class

import (
	"context"
	"fmt"
	"strings"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Reporter writes one learner's exercise states to their progress record
// on the class cluster, through a kubeconfig class create wrote (the
// learner's or the reporter's).
type Reporter struct {
	cs      kubernetes.Interface
	Class   string
	Learner string
}

// OpenReporter reads a class kubeconfig and asks the cluster who it is
// (a SelfSubjectReview): the ServiceAccount names the class and the
// learner, so the file needs no other record.
func OpenReporter(ctx context.Context, kubeconfig string) (*Reporter, error) {
	r, _, _, err := openClassUser(ctx, kubeconfig)
	return r, err
}

// openClassUser connects with a class kubeconfig and asks the cluster
// who it signs in as: a learner's or a reporter's ServiceAccount of a
// class (reporter is true for the latter).
func openClassUser(ctx context.Context, kubeconfig string) (r *Reporter, rc *rest.Config, reporter bool, err error) {
	rc, err = clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, nil, false, fmt.Errorf("class kubeconfig %s: %w", kubeconfig, err)
	}
	cs, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, nil, false, fmt.Errorf("class kubeconfig %s: %w", kubeconfig, err)
	}
	review, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return nil, nil, false, fmt.Errorf("class kubeconfig %s: ask the class cluster who this is: %w (has the class expired? ask your instructor for a new kubeconfig)", kubeconfig, err)
	}
	user := review.Status.UserInfo.Username
	class, learner, ok := parseClassUser(user)
	if !ok {
		return nil, nil, false, fmt.Errorf("class kubeconfig %s: it signs in as %s, not as a learner of a kubedojo class", kubeconfig, user)
	}
	reporter = strings.HasSuffix(user, ":"+ReporterName(learner))
	return &Reporter{cs: cs, Class: class, Learner: learner}, rc, reporter, nil
}

// parseClassUser reads "system:serviceaccount:kubedojo-class-C:learner-L"
// (or reporter-L) as class C, learner L.
func parseClassUser(user string) (class, learner string, ok bool) {
	rest, ok := strings.CutPrefix(user, "system:serviceaccount:"+Namespace(""))
	if !ok {
		return "", "", false
	}
	class, sa, ok := strings.Cut(rest, ":")
	if !ok || class == "" {
		return "", "", false
	}
	for _, prefix := range []string{ServiceAccountName(""), ReporterName("")} {
		if l, found := strings.CutPrefix(sa, prefix); found && l != "" {
			return class, l, true
		}
	}
	return "", "", false
}

// Report records one exercise's state (see Report).
func (r *Reporter) Report(ctx context.Context, exercise string, ep ExerciseProgress) error {
	return Report(ctx, r.cs, r.Class, r.Learner, exercise, ep)
}
