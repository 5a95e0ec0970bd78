package lab

import (
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
		t.message(fmt.Sprintf("%s (%d/%d)", img, i+1, len(local)))
		if len(need[img]) == 0 {
			continue
		}
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
// with another ID. A node that cannot answer (no crictl in the node image)
// gets every image.
func imagesToLoad(ctx context.Context, targets []nodes.Node, images []string, ids map[string]string) map[string][]nodes.Node {
	type pair struct {
		img string
		n   nodes.Node
	}
	var pairs []pair
	for _, img := range images {
		for _, n := range targets {
			pairs = append(pairs, pair{img, n})
		}
	}
	var mu sync.Mutex
	need := map[string][]nodes.Node{}
	_ = forEach(pairs, func(p pair) error {
		if have, err := nodeutils.ImageID(ctxNode{p.n, ctx}, p.img); err != nil || have != ids[p.img] {
			mu.Lock()
			need[p.img] = append(need[p.img], p.n)
			mu.Unlock()
		}
		return nil
	})
	// Keep the nodes in a stable order for loading.
	for img, ns := range need {
		sort.Slice(ns, func(i, j int) bool { return ns[i].String() < ns[j].String() })
		need[img] = ns
	}
	return need
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
