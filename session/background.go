package session

import (
	"context"
	"errors"
	"sync"

	"github.com/kubedojo/kubedojo/checks"
	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lessons"
)

// ErrLabNotReady is what grading says before the lab has started.
var ErrLabNotReady = errors.New("the lab is not ready yet; it is starting in the background")

// Background is a session whose lab starts while the learner reads (the
// TUI's): the grader exists only once the lab is up, and until then every
// check is an environment error.
type Background struct {
	lab       *lab.Lab
	exercises func() []*lessons.Exercise
	// connect, for a class learner, replaces bringing a lab up.
	connect func(ctx context.Context) (*Session, error)

	mu   sync.Mutex
	sess *Session
}

// NewBackground is a session on l, which Start brings up (repairing what
// the exercises, those of the course, left broken). exercises is asked
// for them only then: the TUI shows its first frame before it decodes the
// course.
func NewBackground(l *lab.Lab, exercises func() []*lessons.Exercise) *Background {
	return &Background{lab: l, exercises: exercises}
}

// NewClassBackground is a class learner's session (ConnectClass), which
// Start connects: the shared cluster is the instructor's, and there is no
// lab to bring up.
func NewClassBackground(connect func(ctx context.Context) (*Session, error)) *Background {
	return &Background{connect: connect}
}

// Lab is the lab the session runs on (nil for a class learner).
func (b *Background) Lab() *lab.Lab { return b.lab }

// Session is the connected session, or ErrLabNotReady.
func (b *Background) Session() (*Session, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sess == nil {
		return nil, ErrLabNotReady
	}
	return b.sess, nil
}

// Start brings the lab up (see Up), reporting what it repaired as
// progress, then connects the grader.
func (b *Background) Start(ctx context.Context, progress func(lab.Progress)) error {
	if b.connect != nil {
		s, err := b.connect(ctx)
		if err != nil {
			return err
		}
		b.set(s)
		return nil
	}
	repairs, err := Up(ctx, b.lab, b.exercises(), nil, progress)
	if progress != nil {
		for _, line := range repairs.Lines() {
			progress(lab.Progress{Phase: lab.PhaseRepair, Message: line})
		}
	}
	if err != nil {
		return err
	}
	return b.Connect(ctx)
}

// Connect connects the grader to the lab, which is up.
func (b *Background) Connect(ctx context.Context) error {
	s, err := Connect(ctx, b.lab)
	if err != nil {
		return err
	}
	b.set(s)
	return nil
}

func (b *Background) set(s *Session) {
	b.mu.Lock()
	b.sess = s
	b.mu.Unlock()
}

// Reset sets the exercise up from scratch, after the learner confirmed
// it. Objects kubedojo kept on a foreign cluster are not an error: the
// exercise is still set up.
func (b *Background) Reset(ctx context.Context, ex *lessons.Exercise) error {
	s, err := b.Session()
	if err != nil {
		return err
	}
	if err := s.Env.Reset(ctx, ex); err != nil && !errors.Is(err, lab.ErrKept) {
		return err
	}
	return nil
}

// SetUp makes an exercise ready when it is opened: see Session.Prepare.
// One the lab cannot serve is no failed set-up: its watch shows every
// check skipped, with the reason.
func (b *Background) SetUp(ctx context.Context, ex *lessons.Exercise) error {
	s, err := b.Session()
	if err != nil {
		return err
	}
	if err := s.Prepare(ctx, ex); err != nil && !errors.Is(err, lab.ErrUnavailable) {
		return err
	}
	return nil
}

// Evaluate grades once; before the lab is up every check is an
// environment error, never a wrong answer.
func (b *Background) Evaluate(ctx context.Context, ex *lessons.Exercise) result.Report {
	s, err := b.Session()
	if err != nil {
		return ErrorReport(ex, err)
	}
	if err := s.Unavailable(ctx, ex); err != nil {
		return ErrorReport(ex, err)
	}
	return s.Grader.Evaluate(ctx, ex)
}

// Watch streams re-evaluations until ctx ends. The exercise is prepared
// first, so one resumed on a lab that no longer holds any of it (recreated
// since) is set up again; one the lab holds only partly is reported, not
// reset.
func (b *Background) Watch(ctx context.Context, ex *lessons.Exercise, onReport func(result.Report)) error {
	s, err := b.Session()
	if err != nil {
		onReport(ErrorReport(ex, err))
		return err
	}
	if err := s.Prepare(ctx, ex); err != nil {
		onReport(ErrorReport(ex, err))
		if errors.Is(err, lab.ErrUnavailable) {
			// Nothing to grade here, which is no reason to stop: the
			// report stays until the page closes.
			<-ctx.Done()
			return ctx.Err()
		}
		return err
	}
	// Progressive reports let a fast check turn green while a slow one
	// (exec, http) is still running.
	return s.Grader.Watch(ctx, ex, onReport, checks.WithProgress(onReport))
}

// Vars are the lab's template values, once it is up.
func (b *Background) Vars(context.Context) (lessons.Vars, error) {
	s, err := b.Session()
	if err != nil {
		return lessons.Vars{}, err
	}
	return s.Vars, nil
}
