package lab

import (
	"context"
	"fmt"
	"time"
)

// Preflight is what the lab needs from this machine, checked before Up.
type Preflight struct {
	// Runtime is the container engine found (docker, podman, nerdctl) and
	// RuntimeVersion its server version.
	Runtime, RuntimeVersion string
	// Problems prevent the lab from starting; each says what to do.
	Problems []string
	// Warnings may make it slow or fail later (little memory or disk).
	Warnings []string
}

// OK reports whether nothing prevents the lab from starting.
func (p Preflight) OK() bool { return len(p.Problems) == 0 }

// Resource floors below which Preflight warns.
const (
	minMemory = 4 << 30  // a one-node kind cluster uses about 2 GiB
	minDisk   = 10 << 30 // node image, learner images, etcd
)

// Preflight checks that a container engine is installed and answering
// (own lab) or that the cluster answers (existing cluster), and warns
// about low memory and disk. The error wraps ErrNoRuntime or
// ErrUnreachable when there are Problems.
func (l *Lab) Preflight(ctx context.Context) (Preflight, error) {
	var p Preflight
	if l.foreign {
		kube, err := l.clientset(10 * time.Second)
		if err == nil {
			err = readyz(ctx, kube)
		}
		if err != nil {
			msg := fmt.Sprintf("the cluster of context %q does not answer: %s", l.context, shortErr(err))
			p.Problems = append(p.Problems, msg)
			return p, fmt.Errorf("%w: %s", ErrUnreachable, msg)
		}
		return p, nil
	}
	eng, _, err := l.kind(ctx)
	if err != nil {
		p.Problems = append(p.Problems, installHint)
		return p, err
	}
	p.Runtime = eng.Name()
	ictx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	info, err := eng.Info(ictx)
	if err != nil {
		hint := notAnsweringHint(eng.Name(), err, l.getenv)
		p.Problems = append(p.Problems, hint)
		return p, fmt.Errorf("%w: %s", ErrNoRuntime, hint)
	}
	p.RuntimeVersion = info.Version
	if info.MemTotal > 0 && info.MemTotal < minMemory {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s has %.1f GiB of memory; the lab needs about 2 GiB and runs better with 4 GiB or more "+
			"(Docker Desktop: Settings → Resources)", eng.Name(), gib(info.MemTotal)))
	}
	if info.NCPU == 1 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s has 1 CPU; starting the lab will be slow (2 or more recommended)", eng.Name()))
	}
	if free, err := freeDisk(info.RootDir); err == nil && free < minDisk {
		p.Warnings = append(p.Warnings, fmt.Sprintf("only %.1f GiB free in %s; the lab needs several GiB for its images", gib(int64(free)), info.RootDir))
	}
	// The default image is pulled on first use like any kind image; a
	// chosen one that is missing is worth a word (offline machines).
	if l.nodeImage != DefaultNodeImage {
		if id, err := eng.ImageID(ctx, l.nodeImage); err == nil && id == "" {
			p.Warnings = append(p.Warnings, fmt.Sprintf("node image %s is not in the local image store; kind will try to pull it", l.nodeImage))
		}
	}
	return p, nil
}

func gib(b int64) float64 { return float64(b) / (1 << 30) }
