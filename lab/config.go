package lab

import (
	"path/filepath"
	"regexp"
	"time"
)

// DefaultName is the name of kubedojo's own kind cluster.
const DefaultName = "kubedojo"

// DefaultNodeImage is the node image of a new lab when nothing else is
// chosen: the Kubernetes version the course teaches, pinned by digest, so
// that upgrading kind (whose own default moves to the newest Kubernetes)
// never changes it. kind v0.33.0, the kind library kubedojo builds with,
// publishes no v1.33 image (its release lists v1.37.0, v1.36.4, v1.35.8 and
// v1.34.11); this is the v1.33 image of kind v0.32.0's release notes, the
// newest kind release that has one.
const DefaultNodeImage = "kindest/node:v1.33.12@sha256:3f5c8443c620245e4d355cfe09e96a91ead32ceaa569d3f1ca9edf0cb2fe2ff4"

// DefaultKubernetesVersion is the Kubernetes version of DefaultNodeImage.
const DefaultKubernetesVersion = "v1.33.12"

// Config selects and shapes the lab.
type Config struct {
	// Name is the kind cluster's name (DefaultName when empty).
	Name string
	// NodeImage is the kind node image of a new lab (DefaultNodeImage when
	// empty); package lab/config chooses it.
	NodeImage string
	// Workers is the number of worker nodes next to the control plane.
	Workers int
	// StateDir holds the lab's kubeconfig, ownership records, exercise
	// baselines and the {{LAB}} directory; package lab/config chooses it.
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
	// Addons says which add-ons Up installs besides the Gateway API CRDs
	// (AddonTraefik): those the course's exercises need (AddonsFor). It is
	// asked only when Up runs, because the answer decodes every exercise
	// and the TUI draws its first frame before that (nil: none).
	Addons func() []string
	// Recreate lets Up delete and create again an own lab that is broken
	// or still not ready after the wait (the learner agreed: --recreate,
	// or yes to the question). A healthy lab is kept either way.
	Recreate bool
}

// kindNameRE is what kind accepts as a cluster name (it becomes part of
// container and host names).
var kindNameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

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

// shellsDir holds the kubeconfig of each exercise's shell.
func (c Config) shellsDir() string { return filepath.Join(c.StateDir, "shells") }

// LabDir is the {{LAB}} directory: files that setup steps write for the
// learner.
func (c Config) LabDir() string { return filepath.Join(c.StateDir, "lab") }

// kindContext is the kubeconfig context kind writes for a cluster.
func kindContext(name string) string { return "kind-" + name }
