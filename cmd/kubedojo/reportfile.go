package main

import (
	"os"
)

// writePrivateFile writes a file readable only by the learner: a report
// they asked for (JUnit), whose check messages describe what was found in
// the cluster, or a record of theirs. A file that existed is truncated
// and made 0600 as well.
func writePrivateFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
