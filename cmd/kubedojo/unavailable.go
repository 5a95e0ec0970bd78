package main

import "github.com/kubedojo/kubedojo/checks/result"

// isUnavailable reports whether a report is one on an exercise the lab
// cannot serve (session.ErrorReport): every check skipped.
func isUnavailable(r result.Report) bool {
	c := r.Counts()
	return len(r.Results) > 0 && c.Skipped == len(r.Results)
}
