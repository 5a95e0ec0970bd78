//go:build linux || darwin || freebsd

package labtest

import (
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on path, waiting for other processes.
func lockFile(path string) (unlock func(), err error) { return flock(path, syscall.LOCK_EX) }

// lockFileShared takes a shared lock on path: holders of shared locks run
// together, and wait for an exclusive one.
func lockFileShared(path string) (unlock func(), err error) { return flock(path, syscall.LOCK_SH) }

func flock(path string, how int) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
