package tuitest

import (
	"context"
	"os/exec"
	"sync"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/common"
)

// Grader is a fake grader. Evaluate and the first report of Watch come from
// Result; Push sends a new report to every running watch, as a change in
// the cluster would.
type Grader struct {
	mu sync.Mutex
	// Result grades an exercise; by default every check is pending.
	Result      func(ex *lessons.Exercise) result.Report
	watches     map[string]map[int]func(result.Report)
	nextWatch   int
	Evaluations int
}

// NewGrader returns a fake grader whose reports give every check the
// same status.
func NewGrader(status result.Status) *Grader {
	return &Grader{Result: func(ex *lessons.Exercise) result.Report { return Uniform(ex, status) }}
}

// Uniform is a report that gives every check of ex the same status.
func Uniform(ex *lessons.Exercise, status result.Status) result.Report {
	r := result.Report{Exercise: ex.ID, Time: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	for _, c := range ex.Checks {
		res := result.Result{ID: c.ID, Title: c.Title, Status: status}
		if status == result.Fail {
			res.Message, res.Detail = c.Message, "expected something else"
		}
		r.Results = append(r.Results, res)
	}
	return r
}

// Progression is how a progressive grader reports one evaluation that
// ends in final: first every check is running, then the checks finish one
// at a time, in order, until the last report is final itself.
func Progression(final result.Report) []result.Report {
	out := make([]result.Report, 0, len(final.Results)+1)
	for done := range len(final.Results) + 1 {
		r := final
		r.Results = append([]result.Result(nil), final.Results...)
		for i := done; i < len(r.Results); i++ {
			r.Results[i] = result.Result{ID: r.Results[i].ID, Title: r.Results[i].Title, Status: result.Running}
		}
		out = append(out, r)
	}
	return out
}

// Evaluate grades once.
func (g *Grader) Evaluate(_ context.Context, ex *lessons.Exercise) result.Report {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.Evaluations++
	return g.Result(ex)
}

// Watch reports once, then each pushed report, until ctx is done.
func (g *Grader) Watch(ctx context.Context, ex *lessons.Exercise, onReport func(result.Report)) error {
	g.mu.Lock()
	if g.watches == nil {
		g.watches = map[string]map[int]func(result.Report){}
	}
	if g.watches[ex.ID] == nil {
		g.watches[ex.ID] = map[int]func(result.Report){}
	}
	g.nextWatch++
	id := g.nextWatch
	g.watches[ex.ID][id] = onReport
	first := g.Result(ex)
	g.mu.Unlock()
	onReport(first)
	<-ctx.Done()
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.watches[ex.ID], id)
	return nil
}

// Watching is the number of running watches of an exercise.
func (g *Grader) Watching(id string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.watches[id])
}

// Push sends a report to the running watches of its exercise.
func (g *Grader) Push(r result.Report) {
	g.mu.Lock()
	var ws []func(result.Report)
	for _, w := range g.watches[r.Exercise] {
		ws = append(ws, w)
	}
	g.mu.Unlock()
	for _, w := range ws {
		w(r)
	}
}

// Lab is a fake lab. Start replays Events, then waits for Release (when
// set) and returns StartErr.
type Lab struct {
	mu       sync.Mutex
	Events   []common.LabProgress
	Release  chan struct{}
	StartErr error
	State    common.LabStatus
	ResetErr error
	// SetUpErr is what SetUp returns.
	SetUpErr error
	// ShellCmd is the command Shell returns.
	ShellCmd *exec.Cmd
	// NodeShellCmd and NodeShellErr are what NodeShell returns.
	NodeShellCmd *exec.Cmd
	NodeShellErr error
	nodeShells   []string
	resets       []string
	setUps       []string
	starts       int
}

// ReadyLab returns a fake lab that starts at once and is ready.
func ReadyLab() *Lab {
	return &Lab{State: common.LabStatus{Ready: true, Summary: "kind cluster kubedojo (v1.33.1)", Detail: "1 control-plane node"}}
}

// Start replays the events.
func (l *Lab) Start(ctx context.Context, progress func(common.LabProgress)) error {
	l.mu.Lock()
	l.starts++
	events, release, err := l.Events, l.Release, l.StartErr
	l.mu.Unlock()
	for _, e := range events {
		progress(e)
	}
	if release != nil {
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

// Status returns State.
func (l *Lab) Status(context.Context) (common.LabStatus, error) { return l.State, nil }

// Reset records the exercise and returns ResetErr.
func (l *Lab) Reset(_ context.Context, ex *lessons.Exercise) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.resets = append(l.resets, ex.ID)
	return l.ResetErr
}

// SetUp records the exercise and returns SetUpErr.
func (l *Lab) SetUp(_ context.Context, ex *lessons.Exercise) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.setUps = append(l.setUps, ex.ID)
	return l.SetUpErr
}

// SetUps lists the exercises set up (opened) so far.
func (l *Lab) SetUps() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.setUps...)
}

// Shell returns ShellCmd.
func (l *Lab) Shell(*lessons.Exercise) (*exec.Cmd, error) { return l.ShellCmd, nil }

// NodeShell records the node asked for and returns NodeShellCmd and
// NodeShellErr.
func (l *Lab) NodeShell(_ context.Context, node string) (*exec.Cmd, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nodeShells = append(l.nodeShells, node)
	return l.NodeShellCmd, l.NodeShellErr
}

// NodeShells lists the nodes NodeShell was asked for so far.
func (l *Lab) NodeShells() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.nodeShells...)
}

// Resets lists the exercises reset so far.
func (l *Lab) Resets() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.resets...)
}

// Starts counts the calls to Start.
func (l *Lab) Starts() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.starts
}

// Vars are template values for tests.
func Vars(context.Context) (lessons.Vars, error) {
	return lessons.Vars{Node: "kubedojo-control-plane", NodeIP: "172.18.0.2", Lab: "/lab"}, nil
}
