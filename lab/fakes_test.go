package lab

import (
	"bytes"
	"context"
	"fmt"
	"io"
	osexec "os/exec"
	"slices"
	"strings"
	"sync"

	"sigs.k8s.io/kind/pkg/cluster"
	"sigs.k8s.io/kind/pkg/cluster/nodes"
	kindexec "sigs.k8s.io/kind/pkg/exec"
)

// fakeEngine is a container engine in memory.
type fakeEngine struct {
	mu         sync.Mutex
	infoErr    error
	listErr    error
	info       engineInfo
	containers []nodeContainer
	started    []string
	// startErr makes Start fail, as for a node container whose engine
	// state is damaged.
	startErr error
	images   map[string]string // local image store: name -> ID
	saved    []string
}

func (f *fakeEngine) Name() string { return "docker" }

func (f *fakeEngine) Info(context.Context) (engineInfo, error) { return f.info, f.infoErr }

func (f *fakeEngine) NodeContainers(context.Context, string) ([]nodeContainer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listErr != nil {
		return nil, f.listErr
	}
	return append([]nodeContainer(nil), f.containers...), nil
}

func (f *fakeEngine) setContainers(cs ...nodeContainer) {
	f.mu.Lock()
	f.containers = cs
	f.mu.Unlock()
}

func (f *fakeEngine) Start(_ context.Context, names ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.startErr != nil {
		return f.startErr
	}
	for i := range f.containers {
		if slices.Contains(names, f.containers[i].Name) && f.containers[i].State == "paused" {
			// What Docker says.
			return fmt.Errorf("Error response from daemon: cannot start a paused container, try unpause instead")
		}
	}
	f.started = append(f.started, names...)
	for i := range f.containers {
		if slices.Contains(names, f.containers[i].Name) {
			f.containers[i].State = "running"
		}
	}
	return nil
}

func (f *fakeEngine) ImageID(_ context.Context, image string) (string, error) {
	return f.images[image], nil
}

// SaveImage writes a stand-in archive the fake node understands.
func (f *fakeEngine) SaveImage(_ context.Context, image string, w io.Writer) error {
	f.saved = append(f.saved, image)
	_, err := fmt.Fprintf(w, "%s %s", image, f.images[image])
	return err
}

// fakeProvider is kind's provider in memory; Create and Delete act on the
// fake engine's containers.
type fakeProvider struct {
	mu         sync.Mutex
	eng        *fakeEngine
	creates    int
	deletes    int
	kubeconfig string
	reads      int // KubeConfig calls
	nodes      []nodes.Node
	// create runs inside Create; nil creates a running control plane.
	create func(p *fakeProvider) error
}

func (p *fakeProvider) Create(name string, _ ...cluster.CreateOption) error {
	p.mu.Lock()
	p.creates++
	p.mu.Unlock()
	if p.create != nil {
		return p.create(p)
	}
	p.eng.setContainers(nodeContainer{Name: name + "-control-plane", State: "running", Role: "control-plane", Image: "img"})
	return nil
}

func (p *fakeProvider) Delete(string, string) error {
	p.mu.Lock()
	p.deletes++
	p.mu.Unlock()
	p.eng.setContainers()
	return nil
}

func (p *fakeProvider) ListNodes(string) ([]nodes.Node, error) { return p.nodes, nil }

func (p *fakeProvider) KubeConfig(string, bool) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reads++
	return p.kubeconfig, nil
}

func (p *fakeProvider) counts() (creates, deletes int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.creates, p.deletes
}

// fakeNode answers the commands kind's node helpers and NodeExec run.
// Shell scripts really run on the host, so exit codes are real.
type fakeNode struct {
	name   string
	role   string // "" is control-plane
	ip     string // "" is 172.18.0.2
	mu     sync.Mutex
	images map[string]string // normalized name -> ID in the node's containerd
	loads  []string
}

func (n *fakeNode) String() string { return n.name }
func (n *fakeNode) Role() (string, error) {
	if n.role == "" {
		return "control-plane", nil
	}
	return n.role, nil
}
func (n *fakeNode) IP() (string, string, error) {
	if n.ip == "" {
		return "172.18.0.2", "", nil
	}
	return n.ip, "", nil
}
func (n *fakeNode) SerialLogs(io.Writer) error { return nil }
func (n *fakeNode) Command(name string, args ...string) kindexec.Cmd {
	return n.CommandContext(context.Background(), name, args...)
}
func (n *fakeNode) CommandContext(ctx context.Context, name string, args ...string) kindexec.Cmd {
	return &fakeCmd{ctx: ctx, node: n, argv: append([]string{name}, args...)}
}

type fakeCmd struct {
	ctx            context.Context
	node           *fakeNode
	argv           []string
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (c *fakeCmd) SetEnv(...string) kindexec.Cmd      { return c }
func (c *fakeCmd) SetStdin(r io.Reader) kindexec.Cmd  { c.stdin = r; return c }
func (c *fakeCmd) SetStdout(w io.Writer) kindexec.Cmd { c.stdout = w; return c }
func (c *fakeCmd) SetStderr(w io.Writer) kindexec.Cmd { c.stderr = w; return c }
func (c *fakeCmd) out() io.Writer {
	if c.stdout == nil {
		return io.Discard
	}
	return c.stdout
}

func (c *fakeCmd) Run() error {
	n := c.node
	switch c.argv[0] {
	case "ctr":
		if c.argv[2] == "images" && c.argv[3] == "list" { // ctr -n k8s.io images list -q
			n.mu.Lock()
			defer n.mu.Unlock()
			for name, id := range n.images {
				fmt.Fprintf(c.out(), "%s\n%s\n", name, id)
			}
			return nil
		}
		// ctr -n k8s.io images import -
		data, err := io.ReadAll(c.stdin)
		if err != nil {
			return err
		}
		name, id, _ := strings.Cut(string(data), " ")
		n.mu.Lock()
		n.images[normalizeImage(name)] = id
		n.loads = append(n.loads, name)
		n.mu.Unlock()
		return nil
	case "containerd": // containerd config dump
		_, err := io.WriteString(c.out(), "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\nsnapshotter = \"overlayfs\"\n")
		return err
	case "sh":
		cmd := osexec.CommandContext(c.ctx, "sh", c.argv[1:]...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = c.out(), &stderr
		err := cmd.Run()
		if c.stderr != nil {
			c.stderr.Write(stderr.Bytes())
		}
		if err != nil {
			return &kindexec.RunError{Command: c.argv, Inner: err}
		}
		return nil
	}
	return fmt.Errorf("fake node: unexpected command %v", c.argv)
}
