//go:build !(linux || darwin || freebsd)

package lab

import "errors"

// freeDisk is unknown here; Preflight then skips the disk warning.
func freeDisk(string) (uint64, error) { return 0, errors.New("free disk space unknown on this system") }
