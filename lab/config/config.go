// Package config chooses kubedojo's settings (where its state lives, which
// lab or cluster it uses and how a new lab is shaped) in one order, the
// same for every setting: the command-line flag, then the environment
// variable, then the config file ($XDG_CONFIG_HOME/kubedojo/config.yaml),
// then the default. The table of settings below is the only place that
// names a setting's flag, variable and key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// Where a value came from besides its flag ("--workers") and its variable
// ("$KUBEDOJO_WORKERS").
const (
	SourceFile    = "config file"
	SourceDefault = "default"
)

// setting names one setting in each place it can be given.
type setting struct {
	// Flag is the flag's name without dashes, Env the environment
	// variable, Key the config file's key; an empty Key is a setting the
	// file cannot hold.
	Flag, Env, Key string
}

// The settings. The README's settings table lists the same.
var (
	StateDir     = setting{"state-dir", "KUBEDOJO_STATE_DIR", "stateDir"}
	LabName      = setting{"lab-name", "KUBEDOJO_LAB_NAME", "labName"}
	NodeImage    = setting{"node-image", "KUBEDOJO_NODE_IMAGE", "nodeImage"}
	Workers      = setting{"workers", "KUBEDOJO_WORKERS", "workers"}
	Kubeconfig   = setting{"kubeconfig", "KUBEDOJO_KUBECONFIG", "kubeconfig"}
	Context      = setting{"context", "KUBEDOJO_CONTEXT", "context"}
	AllowForeign = setting{"allow-foreign-cluster", "KUBEDOJO_ALLOW_FOREIGN_CLUSTER", "allowForeignCluster"}
	// NoLab is the TUI's: one run reads without a cluster, so the config
	// file does not hold it.
	NoLab = setting{"no-lab", "KUBEDOJO_NO_LAB", ""}
)

// Value is a setting's chosen value and where it came from: "--flag",
// "$VARIABLE", SourceFile or SourceDefault.
type Value[T any] struct {
	V      T
	Source string
}

// Settings are the chosen values of the global settings.
type Settings struct {
	StateDir, LabName, NodeImage, Kubeconfig, Context Value[string]
	Workers                                           Value[int]
	AllowForeign                                      Value[bool]
}

// File is the config file; a nil field is a key the file does not set.
type File struct {
	StateDir     *string `yaml:"stateDir"`
	LabName      *string `yaml:"labName"`
	NodeImage    *string `yaml:"nodeImage"`
	Workers      *int    `yaml:"workers"`
	Kubeconfig   *string `yaml:"kubeconfig"`
	Context      *string `yaml:"context"`
	AllowForeign *bool   `yaml:"allowForeignCluster"`
}

// fileKeys is what an error in the config file lists.
const fileKeys = "stateDir, labName, nodeImage, workers, kubeconfig, context, allowForeignCluster"

// RegisterFlags adds the global settings' flags to fs. Their defaults are
// empty: a flag that is not given leaves the choice to the environment,
// the file and the default, which its help names.
func RegisterFlags(fs *pflag.FlagSet) {
	fs.String(StateDir.Flag, "", "where kubedojo keeps progress, the lab kubeconfig and lab files (default: $"+StateDir.Env+", stateDir in the config file, then $XDG_STATE_HOME/kubedojo)")
	fs.String(LabName.Flag, "", `name of kubedojo's kind cluster (default: $`+LabName.Env+`, labName in the config file, then "`+lab.DefaultName+`")`)
	fs.String(NodeImage.Flag, "", "kind node image for a new lab (default: $"+NodeImage.Env+", nodeImage in the config file, then "+lab.DefaultNodeImage+")")
	fs.Int(Workers.Flag, 0, "worker nodes for a new lab, next to the control plane (0 for a small machine; default: $"+Workers.Env+", workers in the config file, then "+strconv.Itoa(lab.DefaultWorkers)+")")
	fs.String(Kubeconfig.Flag, "", "kubeconfig of an existing cluster to use instead of the kind lab (or $"+Kubeconfig.Env+", kubeconfig in the config file)")
	fs.String(Context.Flag, "", "kubeconfig context to use, from --kubeconfig or $KUBECONFIG (or $"+Context.Env+", context in the config file)")
	fs.Bool(AllowForeign.Flag, false, "use a --kubeconfig/--context cluster kubedojo did not create; it then only touches objects it labels (or $"+AllowForeign.Env+"=1, allowForeignCluster in the config file)")
}

// RegisterNoLab adds the TUI's --no-lab flag to fs.
func RegisterNoLab(fs *pflag.FlagSet) {
	fs.Bool(NoLab.Flag, false, "run without a cluster: read lessons and take quizzes, no exercise set-up or grading (also $"+NoLab.Env+"=1)")
}

// Load chooses the global settings from the flags in fs (registered by
// RegisterFlags), the environment and the config file.
func Load(fs *pflag.FlagSet, getenv func(string) string) (Settings, error) {
	f, err := ReadFile(FilePath(getenv))
	if err != nil {
		return Settings{}, err
	}
	return Choose(fs, getenv, f)
}

// Choose applies the order to flags, environment and file.
func Choose(fs *pflag.FlagSet, getenv func(string) string, f File) (Settings, error) {
	var s Settings
	var errs []error
	str := func(st setting, file *string, def string) Value[string] {
		v, err := choose(fs, getenv, st, fs.GetString, parseString, file, def)
		errs = append(errs, err)
		return v
	}
	s.StateDir = str(StateDir, f.StateDir, defaultStateDir(getenv))
	s.LabName = str(LabName, f.LabName, lab.DefaultName)
	s.NodeImage = str(NodeImage, f.NodeImage, lab.DefaultNodeImage)
	s.Kubeconfig = str(Kubeconfig, f.Kubeconfig, "")
	s.Context = str(Context, f.Context, "")
	var err error
	s.Workers, err = choose(fs, getenv, Workers, fs.GetInt, parseWorkers, f.Workers, lab.DefaultWorkers)
	errs = append(errs, err)
	s.AllowForeign, err = choose(fs, getenv, AllowForeign, fs.GetBool, strconv.ParseBool, f.AllowForeign, false)
	errs = append(errs, err)
	return s, errors.Join(errs...)
}

// ChooseNoLab chooses --no-lab: the flag, then $KUBEDOJO_NO_LAB, then off.
func ChooseNoLab(fs *pflag.FlagSet, getenv func(string) string) (Value[bool], error) {
	return choose(fs, getenv, NoLab, fs.GetBool, strconv.ParseBool, nil, false)
}

// choose is the order itself. A flag that fs does not have counts as not
// given.
func choose[T any](fs *pflag.FlagSet, getenv func(string) string, st setting, flag func(string) (T, error), parse func(string) (T, error), file *T, def T) (Value[T], error) {
	if fs.Changed(st.Flag) {
		v, err := flag(st.Flag)
		return Value[T]{v, "--" + st.Flag}, err
	}
	if raw := getenv(st.Env); raw != "" {
		v, err := parse(raw)
		if err != nil {
			return Value[T]{}, fmt.Errorf("$%s=%q: %w", st.Env, raw, err)
		}
		return Value[T]{v, "$" + st.Env}, nil
	}
	if file != nil {
		return Value[T]{*file, SourceFile}, nil
	}
	return Value[T]{def, SourceDefault}, nil
}

func parseString(s string) (string, error) { return s, nil }

func parseWorkers(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("not a number of workers")
	}
	return n, nil
}

// defaultStateDir follows the XDG base-directory spec.
func defaultStateDir(getenv func(string) string) string {
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "kubedojo")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "state", "kubedojo")
	}
	return filepath.Join(os.TempDir(), "kubedojo")
}

// FilePath is $XDG_CONFIG_HOME/kubedojo/config.yaml, or
// ~/.config/kubedojo/config.yaml; "" without either variable.
func FilePath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "kubedojo", "config.yaml")
}

// ReadFile reads the config file at path; a missing file (or path "") sets
// nothing. An unknown key is an error at its line, so that a typo does not
// silently leave the default.
func ReadFile(path string) (File, error) {
	var f File
	if path == "" {
		return f, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("read %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		if line, msg := lessons.YAMLError(err); line > 0 {
			return f, fmt.Errorf("%s:%d: %s (known keys: %s)", path, line, msg, fileKeys)
		}
		return f, fmt.Errorf("%s: %w (known keys: %s)", path, err, fileKeys)
	}
	return f, nil
}

// Lab is the lab configuration the settings select; the caller adds what
// the course and the command decide (images, add-ons, recreate, export).
func (s Settings) Lab() lab.Config {
	return lab.Config{
		Name:         s.LabName.V,
		NodeImage:    s.NodeImage.V,
		Workers:      s.Workers.V,
		StateDir:     s.StateDir.V,
		Kubeconfig:   s.Kubeconfig.V,
		Context:      s.Context.V,
		AllowForeign: s.AllowForeign.V,
	}
}

// FromEnvironment returns a --flag=value argument for each setting an
// environment variable chose, in the table's order: a command suggested for
// another terminal, which may not have the variable, then reaches the same
// lab and state. quote quotes a value for the shell.
func (s Settings) FromEnvironment(quote func(string) string) []string {
	var args []string
	add := func(st setting, source, v string) {
		if source == "$"+st.Env {
			args = append(args, "--"+st.Flag+"="+quote(v))
		}
	}
	for _, v := range []struct {
		st setting
		v  Value[string]
	}{{StateDir, s.StateDir}, {LabName, s.LabName}, {NodeImage, s.NodeImage}, {Kubeconfig, s.Kubeconfig}, {Context, s.Context}} {
		add(v.st, v.v.Source, v.v.V)
	}
	add(Workers, s.Workers.Source, strconv.Itoa(s.Workers.V))
	add(AllowForeign, s.AllowForeign.Source, strconv.FormatBool(s.AllowForeign.V))
	return args
}
