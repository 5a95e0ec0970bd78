package class_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/kubedojo/kubedojo/lab/class"
)

// learnerUser is how the API server sees a learner's ServiceAccount.
func learnerUser(cls, sa string) (string, []string) {
	ns := class.Namespace(cls)
	return "system:serviceaccount:" + ns + ":" + sa, []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}
}

func TestIsolationSubjectAccessReviews(t *testing.T) {
	c, _ := envCluster(t)
	ctx := context.Background()
	createClass(t, c, testRecord("sar", "alice", "bob"))
	classNS := class.Namespace("sar")
	type access struct {
		verb, group, resource, subresource, ns, name string
		allowed                                      bool
	}
	cases := []access{
		{"get", "", "secrets", "", "alice-svc-3", "", true},
		{"create", "apps", "deployments", "", "alice-web", "", true},
		{"create", "rbac.authorization.k8s.io", "rolebindings", "", "alice-web", "", true},
		{"update", "", "configmaps", "", classNS, class.ProgressName("alice"), true},
		// B's namespaces, Secrets and record.
		{"get", "", "secrets", "", "bob-svc-3", "", false},
		{"list", "", "secrets", "", "bob-svc-3", "", false},
		{"create", "", "pods", "", "bob-web", "", false},
		{"create", "", "pods", "exec", "bob-web", "x", false},
		{"get", "", "namespaces", "", "", "bob-web", false},
		{"delete", "", "namespaces", "", "", "bob-web", false},
		{"get", "", "configmaps", "", classNS, class.ProgressName("bob"), false},
		{"update", "", "configmaps", "", classNS, class.ProgressName("bob"), false},
		{"get", "", "configmaps", "", classNS, class.RecordName, false},
		{"list", "", "configmaps", "", classNS, "", false},
		// Cluster scope, and lifting the class's own limits.
		{"create", "", "namespaces", "", "", "", false},
		{"create", "rbac.authorization.k8s.io", "clusterroles", "", "", "", false},
		{"create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", "", false},
		{"list", "", "nodes", "", "", "", false},
		{"patch", "", "namespaces", "", "", "alice-web", false},
		{"delete", "", "resourcequotas", "", "alice-web", "kubedojo-class", false},
		{"update", "", "limitranges", "", "alice-web", "kubedojo-class", false},
		{"bind", "rbac.authorization.k8s.io", "clusterroles", "", "alice-web", "cluster-admin", false},
		{"escalate", "rbac.authorization.k8s.io", "roles", "", "alice-web", "", false},
		{"impersonate", "", "serviceaccounts", "", classNS, "learner-bob", false},
		{"create", "", "serviceaccounts", "token", classNS, "learner-bob", false},
	}
	user, groups := learnerUser("sar", class.ServiceAccountName("alice"))
	for _, a := range cases {
		sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: user, Groups: groups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{
				Verb: a.verb, Group: a.group, Resource: a.resource, Subresource: a.subresource, Namespace: a.ns, Name: a.name,
			},
		}}
		got, err := c.Client.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Allowed != a.allowed {
			t.Errorf("alice %s %s/%s %s in %q name %q: allowed=%v, want %v", a.verb, a.group, a.resource, a.subresource, a.ns, a.name, got.Status.Allowed, a.allowed)
		}
	}
	// The reporter may update the learner's record and nothing else.
	ruser, rgroups := learnerUser("sar", class.ReporterName("alice"))
	for _, a := range []access{
		{"update", "", "configmaps", "", classNS, class.ProgressName("alice"), true},
		{"update", "", "configmaps", "", classNS, class.ProgressName("bob"), false},
		{"list", "", "pods", "", "alice-web", "", false},
		{"get", "", "secrets", "", "alice-svc-3", "", false},
	} {
		sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: ruser, Groups: rgroups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: a.verb, Resource: a.resource, Namespace: a.ns, Name: a.name},
		}}
		got, err := c.Client.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status.Allowed != a.allowed {
			t.Errorf("alice's reporter %s %s in %q name %q: allowed=%v, want %v", a.verb, a.resource, a.ns, a.name, got.Status.Allowed, a.allowed)
		}
	}
}

func wantForbidden(t *testing.T, what string, err error) {
	t.Helper()
	if !apierrors.IsForbidden(err) {
		t.Errorf("%s: got %v, want Forbidden", what, err)
	}
}

func TestIsolationRealRequests(t *testing.T) {
	c, _ := envCluster(t)
	ctx := context.Background()
	dir, _ := createClass(t, c, testRecord("real", "ann", "ben"))
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "bens-secret"}, StringData: map[string]string{"k": "v"}}
	if _, err := c.Client.CoreV1().Secrets("ben-svc-3").Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// No controller manager on envtest makes the default ServiceAccount
	// that pods need.
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
	if _, err := c.Client.CoreV1().ServiceAccounts("ann-web").Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ann := learnerClient(t, class.KubeconfigFile(dir, "ann", false))

	// A's own namespace works, including a pod within the budget.
	if _, err := ann.CoreV1().Secrets("ann-svc-3").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "mine"}}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("ann in her own namespace: %v", err)
	}
	pod := func(name string, privileged bool) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name: "c", Image: "busybox:1.36", SecurityContext: &corev1.SecurityContext{Privileged: &privileged},
		}}}}
	}
	got, err := ann.CoreV1().Pods("ann-web").Create(ctx, pod("plain", false), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("ann's plain pod: %v", err)
	}
	if got.Spec.Containers[0].Resources.Requests.Cpu().IsZero() {
		t.Errorf("the LimitRange gave no default requests: %+v", got.Spec.Containers[0].Resources)
	}
	_, err = ann.CoreV1().Pods("ann-web").Create(ctx, pod("privileged", true), metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "PodSecurity") {
		t.Errorf("privileged pod: got %v, want a Pod Security refusal", err)
	}

	// B's namespaces, Secrets and record.
	_, err = ann.CoreV1().Secrets("ben-svc-3").Get(ctx, "bens-secret", metav1.GetOptions{})
	wantForbidden(t, "get B's Secret", err)
	_, err = ann.CoreV1().Secrets("ben-svc-3").List(ctx, metav1.ListOptions{})
	wantForbidden(t, "list B's Secrets", err)
	_, err = ann.CoreV1().ConfigMaps("ben-web").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{})
	wantForbidden(t, "create in B's namespace", err)
	wantForbidden(t, "delete B's namespace", ann.CoreV1().Namespaces().Delete(ctx, "ben-web", metav1.DeleteOptions{}))
	wantForbidden(t, "report to B's record", class.Report(ctx, ann, "real", "ben", "pods/web", class.ExerciseProgress{State: class.StateDone}))
	if err := class.Report(ctx, ann, "real", "ann", "pods/web", class.ExerciseProgress{State: class.StateDone, Updated: time.Now()}); err != nil {
		t.Errorf("report to her own record: %v", err)
	}

	// Cluster scope and the class's own limits.
	_, err = ann.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ann-new"}}, metav1.CreateOptions{})
	wantForbidden(t, "create a namespace", err)
	_, err = ann.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "ann-cr"}}, metav1.CreateOptions{})
	wantForbidden(t, "create a ClusterRole", err)
	_, err = ann.CoreV1().Namespaces().Patch(ctx, "ann-web", types.MergePatchType, []byte(`{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"privileged"}}}`), metav1.PatchOptions{})
	wantForbidden(t, "lift Pod Security on her namespace", err)
	wantForbidden(t, "delete her quota", ann.CoreV1().ResourceQuotas("ann-web").Delete(ctx, "kubedojo-class", metav1.DeleteOptions{}))

	// Escalation through RBAC: binding cluster-admin, granting herself
	// rules she lacks, or binding into B's namespace.
	userSubject := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: class.ServiceAccountName("ann"), Namespace: class.Namespace("real")}}
	_, err = ann.RbacV1().RoleBindings("ann-web").Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "grab"}, Subjects: userSubject,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
	}, metav1.CreateOptions{})
	wantForbidden(t, "bind cluster-admin in her namespace", err)
	_, err = ann.RbacV1().Roles("ann-web").Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "more"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"resourcequotas"}, Verbs: []string{"delete"}}},
	}, metav1.CreateOptions{})
	wantForbidden(t, "a Role with rules she lacks", err)
	_, err = ann.RbacV1().RoleBindings("ben-web").Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "grab"}, Subjects: userSubject,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "kubedojo-class"},
	}, metav1.CreateOptions{})
	wantForbidden(t, "bind herself into B's namespace", err)
	// A Role within her own rights is hers to make (the RBAC lesson).
	_, err = ann.RbacV1().Roles("ann-web").Create(ctx, &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "reader"},
		Rules:      []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Errorf("a Role within her rights: %v", err)
	}

	reporter := learnerClient(t, class.KubeconfigFile(dir, "ann", true))
	_, err = reporter.CoreV1().Pods("ann-web").List(ctx, metav1.ListOptions{})
	wantForbidden(t, "the reporter lists pods", err)
	if err := class.Report(ctx, reporter, "real", "ann", "services/svc-3", class.ExerciseProgress{State: class.StateFailing, Updated: time.Now()}); err != nil {
		t.Errorf("the reporter reports: %v", err)
	}
	wantForbidden(t, "the reporter reports for B", class.Report(ctx, reporter, "real", "ben", "pods/web", class.ExerciseProgress{State: class.StateDone}))
}

// TestExpiredTokenIsRefused re-signs a learner's real token with the API
// server's own signing key: once unchanged (accepted, so the forgery is
// faithful) and once with its expiry in the past (refused).
func TestExpiredTokenIsRefused(t *testing.T) {
	c, e := envCluster(t)
	ctx := context.Background()
	dir, _ := createClass(t, c, testRecord("expiry", "amy"))
	rc := learnerConfig(t, class.KubeconfigFile(dir, "amy", false))
	key := signingKey(t, e.ServiceAccountSigningKey())

	try := func(token string) error {
		cfg := *rc
		cfg.BearerToken = token
		cs, err := kubernetes.NewForConfig(&cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = cs.CoreV1().Pods("amy-web").List(ctx, metav1.ListOptions{})
		return err
	}
	now := time.Now()
	if err := try(resign(t, rc.BearerToken, key, nil)); err != nil {
		t.Fatalf("the re-signed, unchanged token is refused (%v): the test cannot tell expiry from a bad forgery", err)
	}
	expired := resign(t, rc.BearerToken, key, func(claims map[string]any) {
		claims["iat"] = now.Add(-3 * time.Hour).Unix()
		claims["nbf"] = now.Add(-3 * time.Hour).Unix()
		claims["exp"] = now.Add(-2 * time.Hour).Unix()
	})
	if err := try(expired); !apierrors.IsUnauthorized(err) {
		t.Errorf("an expired token: got %v, want Unauthorized", err)
	}
}

func signingKey(t *testing.T, path string) crypto.Signer {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatalf("%s holds no PEM", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		t.Fatalf("%s: %T is no signer", path, k)
	}
	return s
}

// resign changes a JWT's claims and signs it again with key (ES256 or
// RS256, as its header says).
func resign(t *testing.T, token string, key crypto.Signer, change func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	claims := map[string]any{}
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(claims)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	signed := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signed))
	var sig []byte
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		sig = append(pad(r, size), pad(s, size)...)
	case *rsa.PrivateKey:
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("signing key %T", key)
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func pad(n *big.Int, size int) []byte {
	b := n.Bytes()
	return append(make([]byte, size-len(b)), b...)
}
