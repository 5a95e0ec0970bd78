package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// unavailable is nil when the lab serves the exercise, else a
// lab.ErrUnavailable error that says why (a tier, an add-on, a worker or a
// node tool is missing) and, on kubedojo's own lab, how to get it.
func unavailable(ctx context.Context, s *checks.LabSession, ex *lessons.Exercise) error {
	caps, err := s.Env.Capabilities(ctx)
	if err != nil {
		return err
	}
	if err := caps.Unavailable(ex); err != nil {
		return fmt.Errorf("%s: %w", ex.ID, err)
	}
	return nil
}

// unavailableReport is the report of an exercise the lab cannot serve:
// every check skipped with the reason, never failed.
func unavailableReport(ex *lessons.Exercise, err error) checks.Report {
	r := checks.Report{Exercise: ex.ID, Time: time.Now(), Trigger: "initial"}
	for _, c := range ex.Checks {
		r.Results = append(r.Results, checks.Result{ID: c.ID, Title: c.Title, Status: checks.Skipped, Detail: err.Error()})
	}
	return r
}

// isUnavailable reports whether a report is an unavailableReport: every
// check skipped.
func isUnavailable(r checks.Report) bool {
	c := r.Counts()
	return len(r.Results) > 0 && c.Skipped == len(r.Results)
}

// errorReport is the report of an exercise kubedojo could not grade:
// skipped checks when the lab cannot serve it, else environment errors.
func errorReport(ex *lessons.Exercise, err error) checks.Report {
	if errors.Is(err, lab.ErrUnavailable) {
		return unavailableReport(ex, err)
	}
	r := checks.Report{Exercise: ex.ID, Time: time.Now(), Trigger: "initial"}
	for _, c := range ex.Checks {
		r.Results = append(r.Results, checks.Result{ID: c.ID, Title: c.Title, Status: checks.Error, Detail: err.Error()})
	}
	return r
}
