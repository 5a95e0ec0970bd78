package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/kubedojo/kubedojo/lab"
)

func ptr[T any](v T) *T { return &v }

// TestOrder proves the order for every setting: the flag beats the
// environment, which beats the config file, which beats the default.
func TestOrder(t *testing.T) {
	// Each setting with a value for every place, and what its field is.
	type row struct {
		st                   setting
		flag, env, file, def string
		fileSets             func(*File)
		got                  func(Settings) (string, string)
	}
	str := func(v Value[string]) (string, string) { return v.V, v.Source }
	rows := []row{
		{StateDir, "/flag", "/env", "/file", "/xdg-state/kubedojo", func(f *File) { f.StateDir = ptr("/file") }, func(s Settings) (string, string) { return str(s.StateDir) }},
		{LabName, "kd-flag", "kd-env", "kd-file", lab.DefaultName, func(f *File) { f.LabName = ptr("kd-file") }, func(s Settings) (string, string) { return str(s.LabName) }},
		{NodeImage, "flag/image:1", "env/image:2", "file/image:3", lab.DefaultNodeImage, func(f *File) { f.NodeImage = ptr("file/image:3") }, func(s Settings) (string, string) { return str(s.NodeImage) }},
		{Kubeconfig, "/flag.kubeconfig", "/env.kubeconfig", "/file.kubeconfig", "", func(f *File) { f.Kubeconfig = ptr("/file.kubeconfig") }, func(s Settings) (string, string) { return str(s.Kubeconfig) }},
		{Context, "flag-ctx", "env-ctx", "file-ctx", "", func(f *File) { f.Context = ptr("file-ctx") }, func(s Settings) (string, string) { return str(s.Context) }},
		// 0 workers is a choice of its own (a small machine), not "unset".
		{Workers, "0", "3", "2", "1", func(f *File) { f.Workers = ptr(2) }, func(s Settings) (string, string) { return strconv.Itoa(s.Workers.V), s.Workers.Source }},
		{AllowForeign, "false", "true", "false", "false", func(f *File) { f.AllowForeign = ptr(false) }, func(s Settings) (string, string) { return strconv.FormatBool(s.AllowForeign.V), s.AllowForeign.Source }},
	}
	for _, r := range rows {
		for _, tc := range []struct {
			name             string
			flag, env, file  bool
			want, wantSource string
		}{
			{"flag first", true, true, true, r.flag, "--" + r.st.Flag},
			{"environment next", false, true, true, r.env, "$" + r.st.Env},
			{"config file next", false, false, true, r.file, SourceFile},
			{"default last", false, false, false, r.def, SourceDefault},
		} {
			t.Run(r.st.Flag+"/"+tc.name, func(t *testing.T) {
				fs := pflag.NewFlagSet("kubedojo", pflag.ContinueOnError)
				RegisterFlags(fs)
				if tc.flag {
					if err := fs.Parse([]string{"--" + r.st.Flag + "=" + r.flag}); err != nil {
						t.Fatal(err)
					}
				}
				env := map[string]string{"XDG_STATE_HOME": "/xdg-state"}
				if tc.env {
					env[r.st.Env] = r.env
				}
				var f File
				if tc.file {
					r.fileSets(&f)
				}
				s, err := Choose(fs, func(k string) string { return env[k] }, f)
				if err != nil {
					t.Fatal(err)
				}
				if v, src := r.got(s); v != tc.want || src != tc.wantSource {
					t.Errorf("got %q from %s, want %q from %s", v, src, tc.want, tc.wantSource)
				}
			})
		}
	}
}

// TestNoLabOrder: --no-lab, then $KUBEDOJO_NO_LAB, then off.
func TestNoLabOrder(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		env    string
		want   bool
		source string
	}{
		{[]string{"--no-lab=false"}, "1", false, "--no-lab"},
		{nil, "1", true, "$" + NoLab.Env},
		{nil, "", false, SourceDefault},
	} {
		fs := pflag.NewFlagSet("tui", pflag.ContinueOnError)
		RegisterNoLab(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		got, err := ChooseNoLab(fs, func(k string) string { return map[string]string{NoLab.Env: tc.env}[k] })
		if err != nil || got.V != tc.want || got.Source != tc.source {
			t.Errorf("%v with $%s=%q: %+v (%v), want %v from %s", tc.args, NoLab.Env, tc.env, got, err, tc.want, tc.source)
		}
	}
}

// TestBadEnvironmentValue names the variable and its value.
func TestBadEnvironmentValue(t *testing.T) {
	fs := pflag.NewFlagSet("kubedojo", pflag.ContinueOnError)
	RegisterFlags(fs)
	_, err := Choose(fs, func(k string) string { return map[string]string{Workers.Env: "two"}[k] }, File{})
	if err == nil || !strings.Contains(err.Error(), `$KUBEDOJO_WORKERS="two"`) {
		t.Errorf("err = %v", err)
	}
}

// TestStateDirDefault follows the XDG base-directory spec.
func TestStateDirDefault(t *testing.T) {
	for env, want := range map[string]string{
		"XDG_STATE_HOME=/x": "/x/kubedojo",
		"HOME=/home/ann":    "/home/ann/.local/state/kubedojo",
		"":                  filepath.Join(os.TempDir(), "kubedojo"),
	} {
		k, v, _ := strings.Cut(env, "=")
		if got := defaultStateDir(func(n string) string { return map[string]string{k: v}[n] }); got != want {
			t.Errorf("%s: %s, want %s", env, got, want)
		}
	}
}

// TestReadFile: a missing or empty file sets nothing; an unknown key is an
// error at its line that lists the known keys.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	if f, err := ReadFile(filepath.Join(dir, "none.yaml")); err != nil || f != (File{}) {
		t.Errorf("missing file: %+v, %v", f, err)
	}
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if f, err := ReadFile(write("empty.yaml", "")); err != nil || f != (File{}) {
		t.Errorf("empty file: %+v, %v", f, err)
	}
	f, err := ReadFile(write("ok.yaml", "workers: 0\nstateDir: /s\n"))
	if err != nil || f.Workers == nil || *f.Workers != 0 || *f.StateDir != "/s" {
		t.Errorf("ok file: %+v, %v", f, err)
	}
	_, err = ReadFile(write("typo.yaml", "labName: a\nworker: 2\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2: field worker not found") || !strings.Contains(err.Error(), fileKeys) {
		t.Errorf("unknown key: %v", err)
	}
}

// TestFromEnvironment: only what a variable chose is repeated as a flag.
func TestFromEnvironment(t *testing.T) {
	fs := pflag.NewFlagSet("kubedojo", pflag.ContinueOnError)
	RegisterFlags(fs)
	if err := fs.Parse([]string{"--lab-name=kd-flag"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{LabName.Env: "kd-env", StateDir.Env: "/my state", AllowForeign.Env: "1"}
	s, err := Choose(fs, func(k string) string { return env[k] }, File{Workers: ptr(0)})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.FromEnvironment(func(v string) string { return "'" + v + "'" }), " ")
	if want := "--state-dir='/my state' --allow-foreign-cluster='true'"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
