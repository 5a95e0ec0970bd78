package lab

import (
	"context"
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clienttesting "k8s.io/client-go/testing"

	"github.com/kubedojo/kubedojo/lessons"
)

// TestForbiddenIsNotUnreachable: on a foreign cluster that refuses a
// request (403), the error says so and is no ErrUnreachable: the API
// server answered, and "unreachable" would send the learner looking for
// a network problem.
func TestForbiddenIsNotUnreachable(t *testing.T) {
	forbid := func(verb, resource string) clienttesting.ReactionFunc {
		return func(clienttesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: resource}, "x", errors.New("user learner cannot "+verb+" "+resource))
		}
	}
	ex := &lessons.Exercise{ID: "l/forbidden", Tier: lessons.TierAPI, Namespaces: []lessons.Namespace{{Name: "forbidden-1"}}}
	for name, run := range map[string]func(*fakeCluster) error{
		"setup reads the namespace": func(f *fakeCluster) error {
			f.dyn.PrependReactor("get", "namespaces", forbid("get", "namespaces"))
			return f.env.Setup(context.Background(), ex)
		},
		"cleanup lists namespaces": func(f *fakeCluster) error {
			f.dyn.PrependReactor("list", "namespaces", forbid("list", "namespaces"))
			return f.env.Cleanup(context.Background(), ex)
		},
		"capabilities list nodes": func(f *fakeCluster) error {
			f.kube.PrependReactor("list", "nodes", forbid("list", "nodes"))
			_, err := f.env.Capabilities(context.Background())
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeCluster(t, EnvOptions{StateDir: t.TempDir()})
			err := run(f)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrUnreachable) {
				t.Errorf("a 403 is reported as unreachable: %v", err)
			}
			if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), "cannot") {
				t.Errorf("the error hides the refusal: %v", err)
			}
		})
	}
}
