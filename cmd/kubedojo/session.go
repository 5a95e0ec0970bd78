package main

import (
	"context"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/session"
)

// labConfig is the lab the settings select, for a course with these
// images.
func (o *options) labConfig(images []string) lab.Config {
	cfg := o.settings.Lab()
	cfg.Images, cfg.ExportKubeconfig, cfg.Recreate = images, o.exportKubeconfig, o.recreate
	return cfg
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
	cfg := o.labConfig(images)
	if course != nil {
		cfg.Addons = func() []string { return lab.AddonsFor(course.Exercises()) }
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
