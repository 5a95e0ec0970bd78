package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"strings"

	"sigs.k8s.io/kind/pkg/cluster"
)

// engine is the part of the container engine (Docker, Podman) the lab
// drives directly: kind covers creation and deletion, but not stopped
// containers, the local image store or the engine's health.
type engine interface {
	// Name is the engine's command: docker, podman or nerdctl.
	Name() string
	// Info asks the engine's daemon about itself; an error means it is
	// not answering.
	Info(ctx context.Context) (engineInfo, error)
	// NodeContainers lists the containers of a kind cluster, stopped ones
	// included.
	NodeContainers(ctx context.Context, cluster string) ([]nodeContainer, error)
	// Start starts stopped containers.
	Start(ctx context.Context, names ...string) error
	// ImageID returns the local image's ID, or "" when the image is not in
	// the local store.
	ImageID(ctx context.Context, image string) (string, error)
	// SaveImage writes an image archive of a local image.
	SaveImage(ctx context.Context, image string, w io.Writer) error
}

// engineInfo is what Preflight needs from the engine.
type engineInfo struct {
	Version  string
	MemTotal int64
	NCPU     int
	// RootDir is where the engine keeps images and containers (on the host
	// for Linux engines; inside a VM for Docker Desktop).
	RootDir string
}

// nodeContainer is one node container of a kind cluster.
type nodeContainer struct {
	Name  string
	State string // running, exited, created, paused, …
	Image string
	Role  string // control-plane, worker, external-load-balancer
}

func (c nodeContainer) running() bool { return c.State == "running" }

// kindClusterLabel is the label kind puts on every container of a cluster.
const kindClusterLabel = "io.x-k8s.kind.cluster"

// cliEngine runs the engine's command-line client.
type cliEngine struct {
	bin string
}

func (e cliEngine) Name() string { return e.bin }

// run executes the client and returns its stdout; the error carries stderr.
func (e cliEngine) run(ctx context.Context, stdin io.Reader, stdout io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, e.bin, args...)
	var stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return &engineError{Command: e.bin + " " + strings.Join(args, " "), Stderr: msg, Err: err}
	}
	return nil
}

func (e cliEngine) output(ctx context.Context, args ...string) (string, error) {
	var out bytes.Buffer
	err := e.run(ctx, nil, &out, args...)
	return out.String(), err
}

// engineError is a failed engine command with what it printed.
type engineError struct {
	Command string
	Stderr  string
	Err     error
}

func (e *engineError) Error() string { return fmt.Sprintf("%s: %s", e.Command, e.Stderr) }
func (e *engineError) Unwrap() error { return e.Err }

func (e cliEngine) Info(ctx context.Context) (engineInfo, error) {
	out, err := e.output(ctx, "info", "--format", "{{json .}}")
	if err != nil {
		return engineInfo{}, err
	}
	return parseEngineInfo(e.bin, []byte(out))
}

// parseEngineInfo reads `docker info` or `podman info` JSON, whose shapes
// differ.
func parseEngineInfo(bin string, data []byte) (engineInfo, error) {
	if bin == "podman" {
		var p struct {
			Host struct {
				MemTotal int64 `json:"memTotal"`
				CPUs     int   `json:"cpus"`
			} `json:"host"`
			Store struct {
				GraphRoot string `json:"graphRoot"`
			} `json:"store"`
			Version struct {
				Version string `json:"Version"`
			} `json:"version"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			return engineInfo{}, fmt.Errorf("read podman info: %w", err)
		}
		return engineInfo{Version: p.Version.Version, MemTotal: p.Host.MemTotal, NCPU: p.Host.CPUs, RootDir: p.Store.GraphRoot}, nil
	}
	var d struct {
		ServerVersion string
		MemTotal      int64
		NCPU          int
		DockerRootDir string
		ServerErrors  []string
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return engineInfo{}, fmt.Errorf("read %s info: %w", bin, err)
	}
	// docker info exits 0 and reports the daemon's absence in ServerErrors
	// in some versions.
	if d.ServerVersion == "" && len(d.ServerErrors) > 0 {
		return engineInfo{}, &engineError{Command: bin + " info", Stderr: strings.Join(d.ServerErrors, "; ")}
	}
	return engineInfo{Version: d.ServerVersion, MemTotal: d.MemTotal, NCPU: d.NCPU, RootDir: d.DockerRootDir}, nil
}

func (e cliEngine) NodeContainers(ctx context.Context, name string) ([]nodeContainer, error) {
	out, err := e.output(ctx, "ps", "-a", "--filter", "label="+kindClusterLabel+"="+name, "--format", "{{.Names}}")
	if err != nil {
		return nil, err
	}
	names := strings.Fields(out)
	if len(names) == 0 {
		return nil, nil
	}
	args := append([]string{"inspect", "--format",
		`{{.Name}}	{{.State.Status}}	{{.Config.Image}}	{{index .Config.Labels "io.x-k8s.kind.role"}}`}, names...)
	out, err = e.output(ctx, args...)
	if err != nil {
		return nil, err
	}
	return parseNodeContainers(out), nil
}

func parseNodeContainers(out string) []nodeContainer {
	var cs []nodeContainer
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			continue
		}
		cs = append(cs, nodeContainer{Name: strings.TrimPrefix(f[0], "/"), State: f[1], Image: f[2], Role: f[3]})
	}
	return cs
}

func (e cliEngine) Start(ctx context.Context, names ...string) error {
	_, err := e.output(ctx, append([]string{"start"}, names...)...)
	return err
}

func (e cliEngine) ImageID(ctx context.Context, image string) (string, error) {
	out, err := e.output(ctx, "image", "inspect", "--format", "{{.Id}}", image)
	if err != nil {
		var ee *engineError
		if errors.As(err, &ee) && isNoSuchImage(ee.Stderr) {
			return "", nil
		}
		return "", err
	}
	id := strings.TrimSpace(out)
	if !strings.HasPrefix(id, "sha256:") && id != "" {
		id = "sha256:" + id // podman prints the bare hex
	}
	return id, nil
}

func isNoSuchImage(stderr string) bool {
	s := strings.ToLower(stderr)
	return strings.Contains(s, "no such image") || strings.Contains(s, "image not known") || strings.Contains(s, "not found")
}

func (e cliEngine) SaveImage(ctx context.Context, image string, w io.Writer) error {
	return e.run(ctx, nil, w, "save", image)
}

// detectEngine picks the engine the way kind's CLI does: the engine named
// by KIND_EXPERIMENTAL_PROVIDER, else Docker, then Podman (a "docker"
// command that is really Podman counts as Podman), then nerdctl.
func detectEngine(ctx context.Context, getenv func(string) string, version func(ctx context.Context, bin string) string) (engine, cluster.ProviderOption, error) {
	options := map[string]cluster.ProviderOption{
		"docker":  cluster.ProviderWithDocker(),
		"podman":  cluster.ProviderWithPodman(),
		"nerdctl": cluster.ProviderWithNerdctl("nerdctl"),
	}
	if want := getenv("KIND_EXPERIMENTAL_PROVIDER"); want != "" {
		opt, ok := options[want]
		if !ok {
			return nil, nil, fmt.Errorf("%w: KIND_EXPERIMENTAL_PROVIDER=%q is not docker, podman or nerdctl", ErrNoRuntime, want)
		}
		return cliEngine{bin: want}, opt, nil
	}
	for _, bin := range []string{"docker", "podman", "nerdctl"} {
		v := strings.ToLower(version(ctx, bin))
		if strings.HasPrefix(v, bin+" version") {
			return cliEngine{bin: bin}, options[bin], nil
		}
		if bin == "docker" && strings.HasPrefix(v, "podman version") {
			return cliEngine{bin: "podman"}, options["podman"], nil
		}
	}
	return nil, nil, fmt.Errorf("%w: %s", ErrNoRuntime, installHint)
}

// clientVersion runs `BIN -v`, the probe kind itself uses.
func clientVersion(ctx context.Context, bin string) string {
	out, err := exec.CommandContext(ctx, bin, "-v").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// installHint tells the learner how to get a container engine.
const installHint = "kubedojo runs its Kubernetes lab in containers and needs Docker or Podman. " +
	"Install Docker Desktop (macOS, Windows: https://docs.docker.com/get-docker/), " +
	"or on Debian/Ubuntu `sudo apt install docker.io`, or Podman (`sudo apt install podman`, `brew install podman`); " +
	"then start it (open Docker Desktop, or `sudo systemctl start docker`, or `podman machine start`) and run kubedojo again. " +
	"To practise on a cluster you already have instead, select its kubeconfig context"

// notAnsweringHint explains an engine that is installed but not usable.
// getenv reads DOCKER_HOST and DOCKER_CONTEXT: a daemon elsewhere is
// started elsewhere, not with the local systemd unit.
func notAnsweringHint(bin string, err error, getenv func(string) string) string {
	msg := err.Error()
	low := strings.ToLower(msg)
	switch {
	case strings.Contains(low, "permission denied"):
		return fmt.Sprintf("%s is installed but you may not use it (%s). Add yourself to the docker group with `sudo usermod -aG docker $USER`, log out and in again, and retry", bin, msg)
	case bin == "podman":
		return fmt.Sprintf("podman is installed but not answering (%s). Start it with `podman machine start` (macOS, Windows) or check `podman info`", msg)
	}
	prefix := fmt.Sprintf("%s is installed but its daemon is not answering (%s). ", bin, msg)
	if host := getenv("DOCKER_HOST"); host != "" {
		return prefix + dockerHostHint(host)
	}
	if dctx := getenv("DOCKER_CONTEXT"); dctx != "" && dctx != "default" {
		return prefix + fmt.Sprintf("It uses docker context %s (DOCKER_CONTEXT): start the daemon that context points to (`docker context inspect %s` shows where), "+
			"or switch to the local one with `docker context use default` and unset DOCKER_CONTEXT", dctx, dctx)
	}
	return prefix + "Start it: open Docker Desktop, or run `sudo systemctl start docker`"
}

// dockerHostHint says how to get the daemon DOCKER_HOST names answering.
func dockerHostHint(host string) string {
	u, err := url.Parse(host)
	if err != nil || u.Scheme == "" {
		return fmt.Sprintf("DOCKER_HOST=%s is set: check the address, or unset DOCKER_HOST to use the local daemon", host)
	}
	switch u.Scheme {
	case "unix":
		if strings.HasPrefix(u.Path, "/run/user/") {
			return fmt.Sprintf("DOCKER_HOST=%s is a rootless Docker socket: start it with `systemctl --user start docker` "+
				"(or `dockerd-rootless.sh`), or unset DOCKER_HOST to use the system daemon", host)
		}
		return fmt.Sprintf("DOCKER_HOST=%s is set: start the daemon that listens on %s, or unset DOCKER_HOST to use the local daemon", host, u.Path)
	default:
		return fmt.Sprintf("DOCKER_HOST=%s is set: start the Docker daemon on %s and check that it is reachable from here (address, port, TLS or SSH access), "+
			"or unset DOCKER_HOST to use the local daemon", host, u.Hostname())
	}
}

// pullCommand is the command that puts a missing image into the local
// store.
func pullCommand(bin, image string) string {
	if bin == "" {
		bin = "docker"
	}
	return bin + " pull " + image
}
