package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kubedojo/kubedojo/lab"
)

// TestWorkersDefaultFileAndFlag: a new lab gets lab.DefaultWorkers
// workers unless the config file says otherwise, and --workers beats both
// (0 included: the small lab for small machines).
func TestWorkersDefaultFileAndFlag(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		args       []string
		want       int
	}{
		{"default", "", nil, lab.DefaultWorkers},
		{"file", "workers: 0\n", nil, 0},
		{"file 2", "workers: 2\n", nil, 2},
		{"flag", "workers: 2\n", []string{"--workers", "0"}, 0},
		{"flag without file", "", []string{"--workers", "3"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("XDG_CONFIG_HOME", dir)
			if tc.file != "" {
				if err := os.MkdirAll(filepath.Join(dir, "kubedojo"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "kubedojo", "config.yaml"), []byte(tc.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts := &options{}
			root := newRootCmd(opts)
			if err := root.PersistentFlags().Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			cfg, err := opts.labConfig(nil)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Workers != tc.want {
				t.Errorf("workers %d, want %d", cfg.Workers, tc.want)
			}
		})
	}
}
