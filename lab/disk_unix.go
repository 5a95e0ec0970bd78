//go:build linux || darwin || freebsd

package lab

import "syscall"

// freeDisk is the space available to unprivileged users on path's file
// system.
func freeDisk(path string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
