package lab_test

import (
	"context"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/labtest"
)

// TestInstallGatewayAPI applies the embedded Gateway API CRDs to a real API
// server of the lab's Kubernetes version, twice (the lab re-applies them
// after an upgrade of kubedojo), and sees the add-on reported available.
func TestInstallGatewayAPI(t *testing.T) {
	et := labtest.RequireEnvtest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for i := 0; i < 2; i++ {
		if err := lab.InstallGatewayAPI(ctx, et.Config); err != nil {
			t.Fatal(err)
		}
	}
	env, err := lab.NewEnvironment(et.Config, lab.EnvOptions{})
	if err != nil {
		t.Fatal(err)
	}
	caps, err := env.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !caps.Addons[lab.AddonGatewayAPI] {
		t.Fatalf("gateway-api not reported after install: %s", caps.Missing[lab.AddonGatewayAPI])
	}
}
