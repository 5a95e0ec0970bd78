// Package lessons is the course model of kubedojo: tracks, lessons,
// exercises with their start states, checks, hints and reference solutions,
// and quizzes. It loads lesson packs from any fs.FS and validates them,
// reporting every problem with its file, line and field.
//
// The package imports nothing else of kubedojo: it is the data the lab sets
// up, the grader evaluates and the TUI shows.
package lessons

import (
	"encoding/json"
	"strings"
	"sync"
)

// FormatV1 is the pack format this package reads. A pack names it in the
// "format" field of course.yaml; later formats will keep loading v1 packs.
const FormatV1 = "kubedojo/v1"

// Course is a loaded lesson pack.
type Course struct {
	Format      string   `yaml:"format" json:"format"`
	ID          string   `yaml:"id" json:"id"`
	Title       string   `yaml:"title" json:"title"`
	Version     string   `yaml:"version" json:"version"`
	Description string   `yaml:"description,omitempty" json:"description,omitempty"`
	Images      []string `yaml:"images,omitempty" json:"images,omitempty"`
	// Exam makes the pack an exam pool: its exercises are exam tasks, each
	// with a weight, drawn into timed mock exams. Lessons then only group
	// tasks (by domain or topic); readings and quizzes are optional.
	Exam   *ExamSettings `yaml:"exam,omitempty" json:"exam,omitempty"`
	Tracks []*Track      `yaml:"tracks" json:"tracks"`
}

// ExamSettings are the defaults of the mock exams drawn from an exam pool.
type ExamSettings struct {
	// Duration of one exam ("2h").
	Duration Duration `yaml:"duration" json:"duration"`
	// PassMark is the share of points needed to pass, in percent.
	PassMark int `yaml:"passMark" json:"passMark"`
	// Tasks is how many tasks one exam draws.
	Tasks int `yaml:"tasks" json:"tasks"`
	// MaxBreaking bounds how many tasks that break a shared component
	// (exclusive tasks) one exam holds; DefaultMaxBreaking when omitted.
	MaxBreaking int `yaml:"maxBreaking,omitempty" json:"maxBreaking,omitempty"`
}

// DefaultMaxBreaking is how many cluster-breaking tasks an exam holds at
// most when the pool does not say.
const DefaultMaxBreaking = 3

// BreakingLimit is MaxBreaking, or DefaultMaxBreaking when it is unset.
func (e ExamSettings) BreakingLimit() int {
	if e.MaxBreaking > 0 {
		return e.MaxBreaking
	}
	return DefaultMaxBreaking
}

// IsExamPool reports whether the pack is an exam pool.
func (c *Course) IsExamPool() bool { return c != nil && c.Exam != nil }

// Track is an ordered group of lessons.
type Track struct {
	ID          string    `yaml:"id" json:"id"`
	Title       string    `yaml:"title" json:"title"`
	Description string    `yaml:"description,omitempty" json:"description,omitempty"`
	Optional    bool      `yaml:"optional,omitempty" json:"optional,omitempty"`
	Lessons     []*Lesson `yaml:"lessons" json:"lessons"`
}

// Lesson is a reading, its exercises and its quiz. The entry in course.yaml
// gives id, title and domain; the rest comes from the lesson's folder.
type Lesson struct {
	ID     string `yaml:"id" json:"id"`
	Title  string `yaml:"title" json:"title"`
	Domain Domain `yaml:"domain" json:"domain"`
	// Goals are what the learner can do after the lesson, one line each.
	Goals []string `yaml:"goals,omitempty" json:"goals,omitempty"`
	// ExerciseNames orders the exercises in lessons/<id>/exercises/.
	ExerciseNames []string `yaml:"exercises,omitempty" json:"-"`

	// Reading is the lesson text in Markdown (lessons/<id>/reading.md).
	Reading string `yaml:"-" json:"-"`
	// Dir is the lesson's folder inside the pack, for resolving images.
	Dir string `yaml:"-" json:"-"`
	// Track points back to the lesson's track.
	Track *Track `yaml:"-" json:"-"`

	// exercises and quiz are the lesson's exercises and quiz (see
	// Exercises and Quiz). deferred, when set, decodes them on first use
	// (LoadValidatedLazily).
	exercises []*Exercise
	quiz      *Quiz
	deferred  *deferredContent
}

// deferredContent decodes a lesson's exercises and quiz once, when either
// is first asked for.
type deferredContent struct {
	once   sync.Once
	decode func(l *Lesson) error
	err    error
}

// decodeDeferred decodes what LoadValidatedLazily left for later.
func (l *Lesson) decodeDeferred() {
	if d := l.deferred; d != nil {
		d.once.Do(func() {
			d.err = d.decode(l)
			d.decode = nil
		})
	}
}

// Exercises returns the lesson's exercises in course order. A lesson of a
// pack loaded with LoadValidatedLazily decodes them now, the first time;
// when that fails (see Decode) it has those that decoded.
func (l *Lesson) Exercises() []*Exercise {
	l.decodeDeferred()
	return l.exercises
}

// Quiz returns the lesson's quiz, nil when it has none (an exam pool's
// lessons); decoded on first use like Exercises.
func (l *Lesson) Quiz() *Quiz {
	l.decodeDeferred()
	return l.quiz
}

// Decode decodes the lesson's exercises and quiz if they are not yet, and
// returns why some would not: nil but for a lazily loaded pack whose files
// differ from the ones the tests validated.
func (l *Lesson) Decode() error {
	l.decodeDeferred()
	if l.deferred == nil {
		return nil
	}
	return l.deferred.err
}

// AddExercises appends exercises to the lesson, for a course built in Go
// (tests, a class's copy of a course).
func (l *Lesson) AddExercises(exs ...*Exercise) {
	l.exercises = append(l.Exercises(), exs...)
}

// SetQuiz sets the lesson's quiz, for a course built in Go.
func (l *Lesson) SetQuiz(q *Quiz) {
	l.decodeDeferred()
	l.quiz = q
}

// ExerciseIDs returns the full ids of the lesson's exercises in order,
// without decoding them: what the course map and progress counts need.
func (l *Lesson) ExerciseIDs() []string {
	if l.deferred == nil {
		ids := make([]string, len(l.exercises))
		for i, ex := range l.exercises {
			ids[i] = ex.ID
		}
		return ids
	}
	ids := make([]string, len(l.ExerciseNames))
	for i, name := range l.ExerciseNames {
		ids[i] = l.ID + "/" + name
	}
	return ids
}

// MarshalJSON writes the lesson with its exercises.
func (l *Lesson) MarshalJSON() ([]byte, error) {
	type plain Lesson
	return json.Marshal(struct {
		*plain
		Exercises []*Exercise `json:"exercises"`
		Quiz      *Quiz       `json:"quiz,omitempty"`
	}{(*plain)(l), l.Exercises(), l.Quiz()})
}

// Domain is a CKA curriculum domain.
type Domain string

// The CKA domains, plus "background" for material outside the exam.
const (
	DomainArchitecture    Domain = "architecture"
	DomainWorkloads       Domain = "workloads"
	DomainNetworking      Domain = "networking"
	DomainStorage         Domain = "storage"
	DomainTroubleshooting Domain = "troubleshooting"
	DomainBackground      Domain = "background"
)

// Domains lists every valid domain in display order.
var Domains = []Domain{DomainArchitecture, DomainWorkloads, DomainNetworking, DomainStorage, DomainTroubleshooting, DomainBackground}

// Title is the domain's name as the CKA curriculum writes it.
func (d Domain) Title() string {
	switch d {
	case DomainArchitecture:
		return "Cluster Architecture, Installation & Configuration"
	case DomainWorkloads:
		return "Workloads & Scheduling"
	case DomainNetworking:
		return "Services & Networking"
	case DomainStorage:
		return "Storage"
	case DomainTroubleshooting:
		return "Troubleshooting"
	case DomainBackground:
		return "Background (not examined)"
	}
	return string(d)
}

// Short is a compact tag for lists.
func (d Domain) Short() string {
	switch d {
	case DomainArchitecture:
		return "arch"
	case DomainWorkloads:
		return "workloads"
	case DomainNetworking:
		return "network"
	case DomainStorage:
		return "storage"
	case DomainTroubleshooting:
		return "troubleshoot"
	case DomainBackground:
		return "background"
	}
	return string(d)
}

func (d Domain) valid() bool {
	for _, v := range Domains {
		if d == v {
			return true
		}
	}
	return false
}

// Tier is what a cluster must provide for an exercise to be gradable. A tier
// implies every tier before it.
type Tier string

// The tiers, from least to most demanding (addon stands apart: it needs
// something a plain kind cluster does not ship).
const (
	TierAPI         Tier = "api"
	TierControllers Tier = "controllers"
	TierKubelet     Tier = "kubelet"
	TierNodeAccess  Tier = "node-access"
	TierAddon       Tier = "addon"
)

// Tiers lists every tier in order.
var Tiers = []Tier{TierAPI, TierControllers, TierKubelet, TierNodeAccess, TierAddon}

// Includes reports whether an exercise of tier t may use what needs tier
// need, which lint and the lab's capabilities both ask. Tiers nest (api,
// controllers, kubelet, node-access); an add-on exercise installs or uses
// things that run pods, so it includes everything up to kubelet, but not
// node access.
func (t Tier) Includes(need Tier) bool {
	if t == TierAddon {
		t = TierKubelet
	}
	return t.Rank() >= 0 && need.Rank() <= t.Rank()
}

// Rank orders tiers; an unknown tier ranks -1.
func (t Tier) Rank() int {
	for i, v := range Tiers {
		if t == v {
			return i
		}
	}
	return -1
}

// Quiz is a lesson's multiple-choice questions (lessons/<id>/quiz.yaml).
type Quiz struct {
	Questions []*Question `yaml:"questions" json:"questions"`
}

// Question is one multiple-choice question with exactly one right answer.
type Question struct {
	ID          string   `yaml:"id" json:"id"`
	Question    string   `yaml:"question" json:"question"`
	Choices     []Choice `yaml:"choices" json:"choices"`
	Explanation string   `yaml:"explanation" json:"explanation"`
	// Competency is the id of the CKA competency the question asks about
	// when it is not the one most of the lesson's exercises train (see
	// "kubedojo list --coverage"); empty counts it for the lesson's.
	Competency string `yaml:"competency,omitempty" json:"competency,omitempty"`
}

// Choice is one answer option.
type Choice struct {
	Text    string `yaml:"text" json:"text"`
	Correct bool   `yaml:"correct,omitempty" json:"correct,omitempty"`
}

// Correct returns the index of the right choice.
func (q *Question) Correct() int {
	for i, c := range q.Choices {
		if c.Correct {
			return i
		}
	}
	return -1
}

// Lesson returns the lesson with the given id, or nil.
func (c *Course) Lesson(id string) *Lesson {
	for _, t := range c.Tracks {
		for _, l := range t.Lessons {
			if l.ID == id {
				return l
			}
		}
	}
	return nil
}

// Lessons returns every lesson in course order.
func (c *Course) Lessons() []*Lesson {
	var out []*Lesson
	for _, t := range c.Tracks {
		out = append(out, t.Lessons...)
	}
	return out
}

// Exercise returns the exercise with the given full id ("lesson/exercise"),
// or nil.
func (c *Course) Exercise(id string) *Exercise {
	lessonID, _, ok := strings.Cut(id, "/")
	if !ok {
		return nil
	}
	l := c.Lesson(lessonID)
	if l == nil {
		return nil
	}
	for _, e := range l.Exercises() {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// Exercises returns every exercise in course order.
func (c *Course) Exercises() []*Exercise {
	var out []*Exercise
	for _, l := range c.Lessons() {
		out = append(out, l.Exercises()...)
	}
	return out
}
