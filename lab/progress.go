package lab

import (
	"fmt"
	"strings"
	"sync"

	kindlog "sigs.k8s.io/kind/pkg/log"
)

// Progress reports a long lab operation (Up, Preload) step by step, for a
// progress bar or a spinner.
type Progress struct {
	// Phase is the step under way, in kind's words for the creation steps
	// ("Preparing nodes", "Starting control-plane"), see the Phase
	// constants.
	Phase string
	// Step is the phase's 1-based position in the operation and Total the
	// number of phases; Step is 0 for a message outside the plan.
	Step, Total int
	// Message is detail for the phase (an image name, "1/2 nodes ready", a
	// warning).
	Message string
	// Done marks the end of the phase; Err is set when it failed.
	Done bool
	Err  error
}

// Phases of Up and Preload. Creation phases come from kind's log lines.
const (
	PhaseCreate       = "Creating cluster"
	PhaseNodeImage    = "Ensuring node image"
	PhasePrepare      = "Preparing nodes"
	PhaseConfig       = "Writing configuration"
	PhaseControlPlane = "Starting control-plane"
	PhaseCNI          = "Installing CNI"
	PhaseStorage      = "Installing StorageClass"
	PhaseJoin         = "Joining worker nodes"
	PhaseRestart      = "Restarting nodes"
	PhaseWait         = "Waiting for ready"
	PhaseKubeconfig   = "Writing kubeconfig"
	PhaseImages       = "Loading images"
	PhaseAddons       = "Installing add-ons"
	PhaseDelete       = "Deleting cluster"
	PhaseRepair       = "Repairing exercises"
)

// createPlan is the sequence of phases for a new cluster.
func createPlan(workers int, preload bool) []string {
	p := []string{PhaseNodeImage, PhasePrepare, PhaseConfig, PhaseControlPlane, PhaseCNI, PhaseStorage}
	if workers > 0 {
		p = append(p, PhaseJoin)
	}
	p = append(p, PhaseKubeconfig, PhaseWait, PhaseAddons)
	if preload {
		p = append(p, PhaseImages)
	}
	return p
}

// tracker numbers phases against a plan and forwards them to a callback.
// Calls may come from kind's goroutine, so it is locked.
type tracker struct {
	mu    sync.Mutex
	sink  func(Progress)
	plan  []string
	phase string
	step  int
}

func newTracker(sink func(Progress), plan []string) *tracker {
	if sink == nil {
		sink = func(Progress) {}
	}
	return &tracker{sink: sink, plan: plan}
}

// setPlan replaces the plan (a reused lab that must be recreated).
func (t *tracker) setPlan(plan []string) {
	t.mu.Lock()
	t.plan = plan
	t.mu.Unlock()
}

func (t *tracker) emit(p Progress) {
	p.Total = len(t.plan)
	t.sink(p)
}

// start begins a phase, ending the previous one if it is still open.
func (t *tracker) start(phase, msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.phase != "" && t.phase != phase {
		t.emit(Progress{Phase: t.phase, Step: t.step, Done: true})
	}
	t.phase = phase
	for i, p := range t.plan {
		if p == phase {
			t.step = i + 1
		}
	}
	t.emit(Progress{Phase: phase, Step: t.step, Message: msg})
}

// done ends a phase; err marks it failed.
func (t *tracker) done(phase string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if phase == "" {
		phase = t.phase
	}
	if phase == "" {
		return
	}
	t.emit(Progress{Phase: phase, Step: t.step, Done: true, Err: err})
	if phase == t.phase {
		t.phase = ""
	}
}

// message reports detail within the current phase.
func (t *tracker) message(msg string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.emit(Progress{Phase: t.phase, Step: t.step, Message: msg})
}

// kindLogger receives kind's log output and turns its status lines into
// Progress events, so nothing kind prints reaches the terminal. The tracker
// is swapped per operation because kind's provider keeps one logger.
type kindLogger struct {
	mu sync.Mutex
	t  *tracker
}

var _ kindlog.Logger = (*kindLogger)(nil)

func (l *kindLogger) set(t *tracker) {
	l.mu.Lock()
	l.t = t
	l.mu.Unlock()
}

func (l *kindLogger) line(s string) {
	l.mu.Lock()
	t := l.t
	l.mu.Unlock()
	if t == nil {
		return
	}
	kind, phase, detail := parseKindLine(s)
	switch kind {
	case lineStart:
		t.start(phase, detail)
	case lineDone:
		t.done(phase, nil)
	case lineFailed:
		t.done(phase, fmt.Errorf("%s failed", phase))
	case lineMessage:
		t.message(detail)
	}
}

func (l *kindLogger) Warn(message string)                      { l.line("WARNING: " + message) }
func (l *kindLogger) Warnf(format string, args ...any)         { l.Warn(fmt.Sprintf(format, args...)) }
func (l *kindLogger) Error(message string)                     { l.line("ERROR: " + message) }
func (l *kindLogger) Errorf(format string, args ...any)        { l.Error(fmt.Sprintf(format, args...)) }
func (l *kindLogger) V(level kindlog.Level) kindlog.InfoLogger { return kindInfo{l: l, on: level == 0} }

// kindInfo forwards kind's user-facing V(0) messages; debug levels are off.
type kindInfo struct {
	l  *kindLogger
	on bool
}

func (i kindInfo) Info(message string) {
	if i.on {
		i.l.line(message)
	}
}
func (i kindInfo) Infof(format string, args ...any) {
	if i.on {
		i.l.line(fmt.Sprintf(format, args...))
	}
}
func (i kindInfo) Enabled() bool { return i.on }

type lineKind int

const (
	lineIgnore lineKind = iota
	lineStart
	lineDone
	lineFailed
	lineMessage
)

// parseKindLine reads one of kind's status lines:
//
//	" • Ensuring node image (kindest/node:v1.33.1) 🖼  ...\n"  a phase starts
//	" ✓ Preparing nodes 📦\n"                                 it ended well
//	" ✗ Starting control-plane 🕹️\n"                          it failed
//
// and returns the phase without icons and the parenthesised detail. Other
// non-empty lines are messages.
func parseKindLine(s string) (kind lineKind, phase, detail string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return lineIgnore, "", ""
	case strings.HasPrefix(s, "• "):
		phase, detail = splitPhase(strings.TrimSuffix(strings.TrimPrefix(s, "• "), "..."))
		return lineStart, phase, detail
	case strings.HasPrefix(s, "✓ "):
		phase, _ = splitPhase(strings.TrimPrefix(s, "✓ "))
		return lineDone, phase, ""
	case strings.HasPrefix(s, "✗ "):
		phase, _ = splitPhase(strings.TrimPrefix(s, "✗ "))
		return lineFailed, phase, ""
	case strings.HasPrefix(s, "Creating cluster "):
		return lineStart, PhaseCreate, strings.TrimSuffix(strings.TrimPrefix(s, "Creating cluster "), " ...")
	}
	return lineMessage, "", s
}

// splitPhase turns "Ensuring node image (img) 🖼" into ("Ensuring node
// image", "img").
func splitPhase(s string) (phase, detail string) {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " ("); i >= 0 {
		if j := strings.LastIndex(s, ")"); j > i {
			detail = s[i+2 : j]
		}
		s = s[:i]
	}
	// Drop trailing icons (emoji, variation selectors) and spaces.
	end := len(s)
	for end > 0 {
		c := s[end-1]
		if c < 0x80 && c != ' ' {
			break
		}
		end--
	}
	return strings.TrimSpace(s[:end]), detail
}
