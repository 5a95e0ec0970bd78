package class_test

import (
	"os"
	"testing"

	"github.com/kubedojo/kubedojo/lab/labtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	labtest.StopEnvtest()
	os.Exit(code)
}
