package progress

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// lockWait bounds how long a save waits for another process's save; one
// takes milliseconds, so a lock held longer belongs to a hung process.
const lockWait = 10 * time.Second

// lockFile takes the exclusive lock on path (created when missing; an
// advisory lock the kernel drops when its process dies, so a killed
// kubedojo never leaves it held).
func lockFile(path string) (unlock func(), err error) {
	l := flock.New(path, flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	ok, err := l.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, fmt.Errorf("lock %s: another kubedojo process has held it for %s; close it and retry", path, lockWait)
	}
	return func() { _ = l.Unlock() }, nil
}

// removeCrashedSaves removes the temporary files of saves that never
// reached their rename (the process was killed). The caller holds the
// lock, so no save is writing one now.
func removeCrashedSaves(path string) {
	tmp, _ := filepath.Glob(path + ".tmp-*")
	for _, f := range tmp {
		_ = os.Remove(f)
	}
}
