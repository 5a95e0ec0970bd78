package lab

import (
	"context"
	"fmt"
	"os"
	"strings"

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
	eng, prov, err := l.answeringEngine(ctx)
	if err != nil {
		return err
	}
	all, err := prov.ListNodes(l.cfg.Name)
	if err != nil {
		return fmt.Errorf("list the nodes of lab %q: %w", l.cfg.Name, err)
	}
	targets, err := nodeutils.InternalNodes(all)
	if err != nil || len(targets) == 0 {
		return fmt.Errorf("%w: lab %q has no nodes to load images into (kubedojo lab up creates it)", ErrNoCluster, l.cfg.Name)
	}
	t.start(PhaseImages, strings.Join(images, ", "))
	var missing []string
	for i, img := range images {
		t.message(fmt.Sprintf("%s (%d/%d)", img, i+1, len(images)))
		id, err := eng.ImageID(ctx, img)
		if err != nil {
			t.done(PhaseImages, err)
			return fmt.Errorf("%w: look up image %s: %v", ErrNoRuntime, img, err)
		}
		if id == "" {
			missing = append(missing, img)
			continue
		}
		var need []nodes.Node
		for _, n := range targets {
			if have, err := nodeutils.ImageID(ctxNode{n, ctx}, img); err != nil || have != id {
				need = append(need, n)
			}
		}
		if len(need) == 0 {
			continue
		}
		if err := l.loadImage(ctx, eng, img, need); err != nil {
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
