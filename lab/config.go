package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	kindconfig "sigs.k8s.io/kind/pkg/apis/config/defaults"
)

// DefaultName is the name of kubedojo's own kind cluster.
const DefaultName = "kubedojo"

// EnvNodeImage is the environment variable that selects the kind node image
// when neither a flag nor the config file does.
const EnvNodeImage = "KUBEDOJO_NODE_IMAGE"

// Config selects and shapes the lab.
type Config struct {
	// Name is the kind cluster's name (DefaultName when empty).
	Name string
	// NodeImage is the kind node image; the caller fills it from the flag
	// or the config file. When empty, $KUBEDOJO_NODE_IMAGE, then kind's
	// default image is used.
	NodeImage string
	// Workers is the number of worker nodes next to the control plane.
	Workers int
	// StateDir holds the lab's kubeconfig, ownership records, exercise
	// baselines and the {{LAB}} directory (DefaultStateDir when empty).
	StateDir string
	// Kubeconfig and Context select an existing cluster instead of the own
	// kind lab (both empty: the own lab). An empty Kubeconfig with a
	// Context uses kubectl's usual kubeconfig files.
	Kubeconfig, Context string
	// AllowForeign lets kubedojo use a cluster it did not create.
	AllowForeign bool
	// ExportKubeconfig also merges the lab's context into ~/.kube/config
	// (current there only when the file has no current context); Down
	// removes it again. kubedojo never touches that file otherwise.
	ExportKubeconfig bool
	// Images are preloaded into the nodes by Up (the course's images).
	Images []string
}

// DefaultStateDir is $XDG_STATE_HOME/kubedojo, or ~/.local/state/kubedojo.
func DefaultStateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "kubedojo"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "kubedojo"), nil
}

// kindNameRE is what kind accepts as a cluster name (it becomes part of
// container and host names).
var kindNameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

// resolveNodeImage applies the documented order: the configured image (flag
// or config file), the environment, then kind's default ("" lets kind pick
// it, so a new kind release brings its own image).
func resolveNodeImage(configured string, getenv func(string) string) string {
	if configured != "" {
		return configured
	}
	return getenv(EnvNodeImage)
}

// displayImage is the image a node runs when none was chosen.
func displayImage(image string) string {
	if image == "" {
		return kindconfig.Image
	}
	return image
}

// Timeouts of the lab's own waits.
const (
	readyTimeout   = 4 * time.Minute
	restartTimeout = 3 * time.Minute
	requestTimeout = 30 * time.Second
)

// State directory layout.
func (c Config) clusterDir() string    { return filepath.Join(c.StateDir, "clusters", c.Name) }
func (c Config) ownKubeconfig() string { return filepath.Join(c.clusterDir(), "kubeconfig") }
func (c Config) ownerFile() string     { return filepath.Join(c.clusterDir(), "owner.json") }

// LabDir is the {{LAB}} directory: files that setup steps write for the
// learner.
func (c Config) LabDir() string { return filepath.Join(c.StateDir, "lab") }

// kindContext is the kubeconfig context kind writes for a cluster.
func kindContext(name string) string { return "kind-" + name }
