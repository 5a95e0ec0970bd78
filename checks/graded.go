package checks

import (
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
)

// graded is one check's result with what its evaluation noticed, which
// Converge and the presentation of reports use.
type graded struct {
	result.Result
	// needs names the missing object a failure is about ("Pod web").
	needs string
	// obs is what the evaluation noticed (Converge uses it).
	obs *observation
}

// gradedReport is a report whose results keep what their evaluations
// noticed; presented turns it into the report callers see.
type gradedReport struct {
	exercise string
	results  []graded
	time     time.Time
	trigger  string
}
