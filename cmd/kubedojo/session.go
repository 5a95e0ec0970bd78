package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
)

// labFlags select and shape the lab; they are global because every command
// that talks to a cluster needs them.
type labFlags struct {
	name         string
	nodeImage    string
	workers      int
	allowForeign bool
	// flags tells whether --workers was given (0 is a valid choice that
	// must override the config file).
	flags *pflag.FlagSet
}

func (f *labFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.name, "lab-name", "", `name of kubedojo's kind cluster (default "kubedojo")`)
	fs.StringVar(&f.nodeImage, "node-image", "", "kind node image for a new lab (default: $KUBEDOJO_NODE_IMAGE, the config file, then "+lab.DefaultNodeImage+")")
	fs.IntVar(&f.workers, "workers", lab.DefaultWorkers, "worker nodes for a new lab, next to the control plane (0 for a small machine)")
	f.flags = fs
	fs.BoolVar(&f.allowForeign, "allow-foreign-cluster", false, "use a --kubeconfig/--context cluster kubedojo did not create (it then only touches objects it labels)")
}

// fileConfig is $XDG_CONFIG_HOME/kubedojo/config.yaml.
type fileConfig struct {
	LabName   string `yaml:"labName"`
	NodeImage string `yaml:"nodeImage"`
	// Workers is nil when the file does not say (lab.DefaultWorkers).
	Workers *int `yaml:"workers"`
}

func configFilePath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "kubedojo", "config.yaml")
}

func loadFileConfig() (fileConfig, error) {
	var fc fileConfig
	path := configFilePath()
	if path == "" {
		return fc, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return fc, nil
	}
	if err != nil {
		return fc, fmt.Errorf("read %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil {
		if line, msg := lessons.YAMLError(err); line > 0 {
			return fc, fmt.Errorf("%s:%d: %s (known keys: labName, nodeImage, workers)", path, line, msg)
		}
		return fc, fmt.Errorf("%s: %w (known keys: labName, nodeImage, workers)", path, err)
	}
	return fc, nil
}

// labConfig merges flags, the config file and defaults. The node image's
// order (flag, environment, file, default) is lab.ChooseNodeImage's.
func (o *options) labConfig(images []string) (lab.Config, error) {
	fc, err := loadFileConfig()
	if err != nil {
		return lab.Config{}, withCode(exitEnv, err)
	}
	cfg := lab.Config{
		Name: fc.LabName, NodeImage: o.lab.nodeImage, NodeImageFile: fc.NodeImage, Workers: lab.DefaultWorkers,
		StateDir: o.stateDir, Kubeconfig: o.kubeconfig, Context: o.context,
		AllowForeign: o.lab.allowForeign, Images: images, ExportKubeconfig: o.exportKubeconfig,
		Recreate: o.recreate,
	}
	if o.lab.name != "" {
		cfg.Name = o.lab.name
	}
	// Workers: the flag, the file, the default.
	if fc.Workers != nil {
		cfg.Workers = *fc.Workers
	}
	if o.lab.flags != nil && o.lab.flags.Changed("workers") {
		cfg.Workers = o.lab.workers
	}
	return cfg, nil
}

// courseAndLab loads the course and builds the lab the flags select for
// it (without starting it): what most lab commands begin with.
func (o *options) courseAndLab() (*lessons.Course, *lab.Lab, error) {
	course, err := o.loadCourse()
	if err != nil {
		return nil, nil, err
	}
	l, err := o.openLab(course)
	if err != nil {
		return nil, nil, err
	}
	return course, l, nil
}

// openLab builds the lab the flags select (it does not start it), for
// course's exercises once the learner trusts the course (trust.go).
func (o *options) openLab(course *lessons.Course) (*lab.Lab, error) {
	if o.classKubeconfig() != "" {
		return nil, withCode(exitUsage, errClassNoLab)
	}
	if err := o.trustPack(course); err != nil {
		return nil, err
	}
	var images []string
	if course != nil {
		images = course.Images
	}
	cfg, err := o.labConfig(images)
	if err != nil {
		return nil, err
	}
	if course != nil {
		cfg.Addons = lab.AddonsFor(course.Exercises())
	}
	l, err := lab.New(cfg)
	if err != nil {
		return nil, withCode(exitEnv, err)
	}
	return l, nil
}

// labSession opens the selected lab and wires the grader and the exercise
// environment to it. A lab that is down or unreachable is an environment
// error (exit 2) that says how to start it.
func (o *options) labSession(ctx context.Context, course *lessons.Course) (*session.Session, error) {
	if o.classKubeconfig() != "" {
		if err := o.trustPack(course); err != nil {
			return nil, err
		}
		return o.classSession(ctx, course)
	}
	l, err := o.openLab(course)
	if err != nil {
		return nil, err
	}
	s, err := session.Connect(ctx, l)
	if err != nil {
		return nil, withCode(exitEnv, err)
	}
	return s, nil
}

// exerciseSession loads the course, finds one exercise in it and connects
// to the lab it runs on.
func (o *options) exerciseSession(ctx context.Context, id string) (*lessons.Exercise, *session.Session, error) {
	course, ex := o.loadExercise(id)
	if ex == nil {
		var err error
		if course, err = o.loadCourse(); err != nil {
			return nil, nil, err
		}
		if ex, err = findExercise(course, id); err != nil {
			return nil, nil, err
		}
	}
	s, err := o.labSession(ctx, course)
	if s != nil && s.Class != nil {
		ex = course.Exercise(ex.ID) // renamed to the learner's namespaces
	}
	return ex, s, err
}
