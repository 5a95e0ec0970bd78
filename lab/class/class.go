package class

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kubedojo/kubedojo/lab/class/record"
)

// Labels and names of what a class creates.
const (
	// LabelClass names the class an object belongs to; every namespace a
	// class creates carries it.
	LabelClass = "kubedojo.dev/class"
	// LabelLearner names the learner a namespace or record belongs to.
	LabelLearner = "kubedojo.dev/learner"
	// LabelPart says what a class object is: PartClass, PartLearner or
	// PartProgress.
	LabelPart = "kubedojo.dev/class-part"
	// PartClass marks the class namespace and the class record.
	PartClass = "class"
	// PartLearner marks a learner's exercise namespace.
	PartLearner = "learner-namespace"
	// PartProgress marks a learner's progress record.
	PartProgress = "progress"
	// AnnotationExpires holds the class's expiry (RFC 3339) on its
	// namespaces, for people reading the cluster with kubectl.
	AnnotationExpires = "kubedojo.dev/class-expires"

	// RecordName is the ConfigMap in the class namespace that holds the
	// class record.
	RecordName = "class"
	recordKey  = "class.json"
	// objectName names the Role, RoleBinding, quota, limits and network
	// policy in each learner namespace.
	objectName = "kubedojo-class"
)

// ErrNotFound means no class of that name exists on the cluster.
var ErrNotFound = errors.New("no such class")

// ErrExists means a class, or a namespace it needs, already exists.
var ErrExists = errors.New("already exists")

// Exercise is one exercise of a class and the namespaces it needs, as the
// lesson pack names them.
type Exercise = record.Assignment

// Record is what the class record holds: who takes the class, which
// exercises, and until when.
type Record struct {
	Name      string     `json:"name"`
	Learners  []string   `json:"learners"`
	Exercises []Exercise `json:"exercises"`
	Created   time.Time  `json:"created"`
	Expires   time.Time  `json:"expires"`
}

// Namespace is the class namespace of a class.
func Namespace(class string) string { return "kubedojo-class-" + class }

// LearnerNamespace maps an exercise namespace to the learner's copy of it.
func LearnerNamespace(learner, exerciseNamespace string) string {
	return learner + "-" + exerciseNamespace
}

// ServiceAccountName is the learner's ServiceAccount in the class
// namespace: what their kubeconfig authenticates as.
func ServiceAccountName(learner string) string { return "learner-" + learner }

// ReporterName is the ServiceAccount (and Role) of a learner's reporter:
// it may update the learner's progress record and nothing else.
func ReporterName(learner string) string { return "reporter-" + learner }

// ProgressName is the learner's progress record in the class namespace.
func ProgressName(learner string) string { return "progress-" + learner }

// LearnerNamespaces lists the learner's namespaces for the class's
// exercises, in exercise order, without repeats.
func (r *Record) LearnerNamespaces(learner string) []string {
	var out []string
	for _, ex := range r.Exercises {
		for _, ns := range ex.Namespaces {
			if m := LearnerNamespace(learner, ns); !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// AllLearnerNamespaces lists every learner namespace the class owns.
func (r *Record) AllLearnerNamespaces() []string {
	var out []string
	for _, l := range r.Learners {
		out = append(out, r.LearnerNamespaces(l)...)
	}
	return out
}

// Expired reports whether the class's tokens have expired at now.
func (r *Record) Expired(now time.Time) bool { return !now.Before(r.Expires) }

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// Limits on names, so that every derived name stays a valid DNS label
// (63 characters).
const (
	maxClassName   = 30
	maxLearnerName = 24
)

// Validate says what is wrong with a record before anything is created:
// names that Kubernetes would refuse, repeats, and derived namespace names
// that would be too long.
func (r *Record) Validate() error {
	var problems []string
	if !dnsLabel.MatchString(r.Name) || len(r.Name) > maxClassName {
		problems = append(problems, fmt.Sprintf("class name %q: use at most %d lower-case letters, digits and dashes, starting and ending with a letter or digit", r.Name, maxClassName))
	}
	if len(r.Learners) == 0 {
		problems = append(problems, "the class has no learners")
	}
	seen := map[string]bool{}
	for _, l := range r.Learners {
		switch {
		case !dnsLabel.MatchString(l) || len(l) > maxLearnerName:
			problems = append(problems, fmt.Sprintf("learner name %q: use at most %d lower-case letters, digits and dashes, starting and ending with a letter or digit", l, maxLearnerName))
		case seen[l]:
			problems = append(problems, fmt.Sprintf("learner %q is listed twice", l))
		}
		seen[l] = true
	}
	if len(r.Exercises) == 0 {
		problems = append(problems, "the class has no exercises")
	}
	for _, l := range r.Learners {
		for _, ns := range r.LearnerNamespaces(l) {
			if len(ns) > 63 {
				problems = append(problems, fmt.Sprintf("namespace %s would be longer than 63 characters: use a shorter learner name than %q", ns, l))
			}
		}
	}
	if !r.Expires.After(r.Created) {
		problems = append(problems, "the class expires before it starts")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// NumberedLearners names n learners learner-01 … learner-NN, for
// --learners N.
func NumberedLearners(n int) []string {
	width := len(fmt.Sprint(n))
	if width < 2 {
		width = 2
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("learner-%0*d", width, i+1)
	}
	return out
}

// ParseNames reads a names file: one learner per line; blank lines and
// lines starting with # are skipped, names are lower-cased.
func ParseNames(data string) []string {
	var out []string
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.ToLower(line))
	}
	return out
}
