package checks

import (
	"context"
	"strings"
	"testing"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// TestChecksNeverShowSecretValues: a failed comparison of a Secret's field
// says that the value differs, never the value (nor its base64), also
// after decoding and when it does not decode.
func TestChecksNeverShowSecretValues(t *testing.T) {
	for _, tc := range []struct{ name, check, detail string }{
		{"decoded field", `{field: {object: Secret/regcred, path: '{.data.\.dockerconfigjson}', decode: [base64, json], then: '{.auths.registry\.example\.com.password}', equals: wrong}}`,
			`.auths.registry\.example\.com.password: the value differs from what the check expects (kubedojo never shows a Secret's values)`},
		{"raw field", `{field: {object: Secret/regcred, path: '{.data.\.dockerconfigjson}', equals: x}}`,
			`Secret regcred .data.\.dockerconfigjson: the value differs from what the check expects (kubedojo never shows a Secret's values)`},
		{"structure", `{field: {object: Secret/regcred, path: .data, has: {user: x}}}`,
			"Secret regcred .data: the value differs from what the check expects (kubedojo never shows a Secret's values)"},
		{"does not decode", `{field: {object: Secret/regcred, path: '{.data.\.dockerconfigjson}', decode: [base64, base64], equals: x}}`,
			"the value does not decode as base64, then base64 (kubedojo never shows a Secret's values)"},
		{"missing field", `{field: {object: Secret/regcred, path: .data.token, equals: x}}`, "Secret regcred .data.token: found nothing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFixture(t, podsFixture).grade(t, tc.check)
			if r.Status != result.Fail {
				t.Fatalf("status %s (%s), want fail", r.Status, r.Detail)
			}
			if !strings.Contains(r.Detail, tc.detail) {
				t.Errorf("detail\n  %s\nwant it to contain\n  %s", r.Detail, tc.detail)
			}
			for _, secret := range []string{"s3cret", "eyJhdXRocyI", "registry.example.com\":", "lab\""} {
				if strings.Contains(r.Detail, secret) {
					t.Errorf("the detail shows the Secret's value (%q): %s", secret, r.Detail)
				}
			}
		})
	}
}

// TestChecksReadOnlyDeclaredNamespaces: a check that names a namespace
// the exercise neither owns nor lists under readNamespaces is an
// environment error before anything is read; listed, it is graded.
func TestChecksReadOnlyDeclaredNamespaces(t *testing.T) {
	fx := newFixture(t, podsFixture+"---\napiVersion: v1\nkind: Secret\nmetadata: {name: admin-token, namespace: kube-system}\ndata: {token: czNjcmV0}\n")
	check := parseCheck(t, `{id: c, title: c, message: m, field: {object: {kind: Secret, name: admin-token, namespace: kube-system}, path: .data.token, equals: x}}`)
	ex := &lessons.Exercise{ID: "l/e", Namespaces: []lessons.Namespace{{Name: "ns1"}}, Checks: []lessons.Check{check}}
	before := len(fx.kube.Actions())
	r := NewGrader(fx.env).Evaluate(context.Background(), ex).Results[0]
	if r.Status != result.Error || !strings.Contains(r.Detail, "reads namespace kube-system, which is not one of the exercise's namespaces") {
		t.Errorf("undeclared namespace: %s %s", r.Status, r.Detail)
	}
	if strings.Contains(r.Detail, "czNjcmV0") || len(fx.kube.Actions()) != before {
		t.Errorf("the check read or showed the Secret: %s", r.Detail)
	}
	if _, err := NewGrader(fx.env).dependencies(ex, &ex.Checks[0]); err == nil {
		t.Errorf("watching an undeclared namespace was allowed")
	}
	ex.ReadNamespaces = []string{"kube-system"}
	r = NewGrader(fx.env).Evaluate(context.Background(), ex).Results[0]
	if r.Status != result.Fail || strings.Contains(r.Detail, "czNjcmV0") || strings.Contains(r.Detail, "s3cret") {
		t.Errorf("declared namespace: %s %s", r.Status, r.Detail)
	}
}
