package lab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"sigs.k8s.io/kind/pkg/cluster/nodes"
	"sigs.k8s.io/kind/pkg/cluster/nodeutils"
	kindexec "sigs.k8s.io/kind/pkg/exec"
)

// Preload copies images from the local Docker/Podman image store into
// every node of the own lab, the way `kind load docker-image` does, so that
// pods start without pulling (labs are often offline). Images a node
// already has, with the same ID, are skipped. Images missing locally are
// reported with ErrImagesMissing and the command that fetches them; the
// others are still loaded.
func (l *Lab) Preload(ctx context.Context, images []string, progress func(Progress)) error {
	if l.foreign {
		return fmt.Errorf("%w: images can be preloaded only into kubedojo's own lab; this cluster pulls them itself", ErrForeignCluster)
	}
	return l.preload(ctx, images, newTracker(progress, []string{PhaseImages}))
}

func (l *Lab) preload(ctx context.Context, images []string, t *tracker) error {
	eng, prov, err := l.kind(ctx)
	if err != nil {
		return err
	}
	all, err := prov.ListNodes(l.cfg.Name)
	if err != nil {
		return l.engineFailure(ctx, eng, fmt.Sprintf("list the nodes of lab %q", l.cfg.Name), err)
	}
	targets, err := nodeutils.InternalNodes(all)
	if err != nil || len(targets) == 0 {
		return fmt.Errorf("%w: lab %q has no nodes to load images into (kubedojo lab up creates it)", ErrNoCluster, l.cfg.Name)
	}
	t.start(PhaseImages, strings.Join(images, ", "))
	ids := map[string]string{}
	var missing, local []string
	for _, img := range images {
		id, err := eng.ImageID(ctx, img)
		if err != nil {
			err = l.engineFailure(ctx, eng, "look up image "+img, err)
			t.done(PhaseImages, err)
			return err
		}
		if id == "" {
			missing = append(missing, img)
			continue
		}
		ids[img] = id
		local = append(local, img)
	}
	need := imagesToLoad(ctx, targets, local, ids)
	for i, img := range local {
		if len(need[img]) == 0 {
			t.message(fmt.Sprintf("%s (%d/%d): already loaded", img, i+1, len(local)))
			continue
		}
		t.message(fmt.Sprintf("%s (%d/%d): loading into %d node(s)", img, i+1, len(local), len(need[img])))
		if err := l.loadImage(ctx, eng, img, need[img]); err != nil {
			t.done(PhaseImages, err)
			return err
		}
	}
	if len(missing) > 0 {
		err := missingImagesError(eng.Name(), missing)
		t.done(PhaseImages, err)
		return err
	}
	t.done(PhaseImages, nil)
	return nil
}

// imagesToLoad asks every node, in parallel, which images it lacks or has
// with another ID. A node that cannot answer gets every image.
func imagesToLoad(ctx context.Context, targets []nodes.Node, images []string, ids map[string]string) map[string][]nodes.Node {
	var mu sync.Mutex
	need := map[string][]nodes.Node{}
	var wg sync.WaitGroup
	for _, n := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			refs, err := nodeImages(ctx, n)
			mu.Lock()
			defer mu.Unlock()
			for _, img := range images {
				if err != nil || !refs[ids[img]] || !refs[normalizeImage(img)] {
					need[img] = append(need[img], n)
				}
			}
		}()
	}
	wg.Wait()
	// Load into the nodes in a stable order.
	for _, ns := range need {
		sort.Slice(ns, func(i, j int) bool { return ns[i].String() < ns[j].String() })
	}
	return need
}

// nodeImages lists the image references in a node's containerd: the
// normalized tags, and the "sha256:<ID>" names the CRI plugin adds, which
// are the IDs the local image store shows. kind's nodeutils.ImageID asks
// crictl instead, one image per docker exec, and some node images have no
// crictl; ctr is what kind loads images with.
func nodeImages(ctx context.Context, n nodes.Node) (map[string]bool, error) {
	var out bytes.Buffer
	if err := n.CommandContext(ctx, "ctr", "--namespace=k8s.io", "images", "list", "-q").SetStdout(&out).Run(); err != nil {
		return nil, err
	}
	refs := map[string]bool{}
	for _, r := range strings.Fields(out.String()) {
		refs[r] = true
	}
	return refs, nil
}

// normalizeImage spells an image reference the way containerd stores it:
// "busybox:1.36" is "docker.io/library/busybox:1.36".
func normalizeImage(ref string) string {
	name, suffix := ref, ":latest"
	if i := strings.Index(ref, "@"); i >= 0 {
		name, suffix = ref[:i], ref[i:]
	} else if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		name, suffix = ref[:i], ref[i:]
	}
	first, _, hasSlash := strings.Cut(name, "/")
	switch {
	case !hasSlash:
		name = "docker.io/library/" + name
	case !strings.ContainsAny(first, ".:") && first != "localhost":
		name = "docker.io/" + name
	}
	return name + suffix
}

// loadImage saves the image once to a temporary archive and imports it
// into each node.
func (l *Lab) loadImage(ctx context.Context, eng engine, img string, targets []nodes.Node) error {
	if err := os.MkdirAll(l.cfg.StateDir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(l.cfg.StateDir, "image-*.tar")
	if err != nil {
		return fmt.Errorf("preload %s: %w", img, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := eng.SaveImage(ctx, img, f); err != nil {
		return fmt.Errorf("preload %s: save it from %s: %w", img, eng.Name(), err)
	}
	for _, n := range targets {
		if _, err := f.Seek(0, 0); err != nil {
			return err
		}
		if err := nodeutils.LoadImageArchive(ctxNode{n, ctx}, f); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("preload %s into node %s: %w", img, n, err)
		}
	}
	return nil
}

// missingImagesError names the images that are not stored locally, each
// with the command that fixes it.
func missingImagesError(bin string, missing []string) error {
	fixes := make([]string, len(missing))
	for i, img := range missing {
		fixes[i] = fmt.Sprintf("%s (run `%s`)", img, pullCommand(bin, img))
	}
	return fmt.Errorf("%w: not in the local %s image store, so not loaded into the lab: %s",
		ErrImagesMissing, bin, strings.Join(fixes, ", "))
}

// ctxNode makes kind's context-free node helpers (image loading) honour a
// context, by running every command with CommandContext.
type ctxNode struct {
	nodes.Node
	ctx context.Context
}

func (n ctxNode) Command(name string, args ...string) kindexec.Cmd {
	return n.Node.CommandContext(n.ctx, name, args...)
}
