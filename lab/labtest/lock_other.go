//go:build !(linux || darwin || freebsd)

package labtest

// lockFile does not lock here: test binaries that share a kind lab must not
// run at the same time on this system.
func lockFile(string) (unlock func(), err error) { return func() {}, nil }

func lockFileShared(string) (unlock func(), err error) { return func() {}, nil }
