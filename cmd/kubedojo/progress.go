package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/lessons/progress"
)

const progressLong = `progress prints what you have done in the course: exercises solved, solutions
revealed, hints used, lessons read and quiz scores, per track and lesson, and
where the TUI will resume. It reads <state-dir>/progress.json.

With --json it prints one document:

  {
    "course": "cka", "title": "…", "file": "/…/progress.json",
    "exercises": {"total": 87, "done": 5, "solutionRevealed": 1, "solvedAfterReveal": 1, "inProgress": 2, "percent": 5},
    "lessons": {"total": 30, "read": 3},
    "last": {"screen": "exercise", "lesson": "pods-basics", "exercise": "pods-basics/first-pod"},
    "tracks": [{
      "id": "pods", "title": "Pods", "optional": false,
      "exercises": {"total": …, "done": …, "solutionRevealed": …, "solvedAfterReveal": …, "inProgress": …, "percent": …},
      "lessons": [{
        "id": "pods-basics", "title": "…", "domain": "workloads",
        "status": "in-progress", "read": true, "readAt": "…",
        "quiz": {"score": 3, "total": 4, "best": 4, "attempts": 2, "at": "…"},
        "exercises": [{
          "id": "pods-basics/first-pod", "title": "…", "status": "done", "hints": 1,
          "solutionRevealed": false, "solvedAfterReveal": false,
          "startedAt": "…", "doneAt": "…", "revealedAt": null
        }]
      }]
    }]
  }

status is one of not-started, in-progress, done, solution-revealed. Only done
is complete (every check passed once; percent counts it): solution-revealed
means the solution was shown and the exercise is not solved yet. A done
exercise keeps solutionRevealed when its solution was shown, and
solvedAfterReveal when that was before it was solved; the counts'
solutionRevealed counts the revealed exercises not solved, and
solvedAfterReveal the done ones solved after revealing. "last", "quiz",
"readAt" and the times are null when there is nothing to report.`

func newProgressCmd(opts *options) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Print your progress through the course",
		Long:  progressLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			course, err := opts.loadCourse()
			if err != nil {
				return err
			}
			store, notice, err := openProgress(opts.settings.StateDir.V)
			if err != nil {
				return withCode(exitEnv, err)
			}
			if notice != "" {
				fmt.Fprintln(cmd.ErrOrStderr(), "kubedojo:", notice)
			}
			v := progressView(course, store)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(v)
			}
			writeProgressText(cmd.OutOrStdout(), v)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print progress as JSON (shape in the help above)")
	return cmd
}

// progressJSON is the documented shape of "kubedojo progress --json".
type progressJSON struct {
	Course    string              `json:"course"`
	Title     string              `json:"title"`
	File      string              `json:"file"`
	Exercises countsJSON          `json:"exercises"`
	Lessons   lessonCountsJSON    `json:"lessons"`
	Last      *progress.Location  `json:"last"`
	Tracks    []trackProgressJSON `json:"tracks"`
}

type countsJSON struct {
	Total             int `json:"total"`
	Done              int `json:"done"`
	Revealed          int `json:"solutionRevealed"`
	SolvedAfterReveal int `json:"solvedAfterReveal"`
	InProgress        int `json:"inProgress"`
	Percent           int `json:"percent"`
}

type lessonCountsJSON struct {
	Total int `json:"total"`
	Read  int `json:"read"`
}

type trackProgressJSON struct {
	ID        string               `json:"id"`
	Title     string               `json:"title"`
	Optional  bool                 `json:"optional"`
	Exercises countsJSON           `json:"exercises"`
	Lessons   []lessonProgressJSON `json:"lessons"`
}

type lessonProgressJSON struct {
	ID        string                 `json:"id"`
	Title     string                 `json:"title"`
	Domain    lessons.Domain         `json:"domain"`
	Status    progress.Status        `json:"status"`
	Read      bool                   `json:"read"`
	ReadAt    *time.Time             `json:"readAt"`
	Quiz      *progress.Quiz         `json:"quiz"`
	Exercises []exerciseProgressJSON `json:"exercises"`
}

type exerciseProgressJSON struct {
	ID                string          `json:"id"`
	Title             string          `json:"title"`
	Status            progress.Status `json:"status"`
	Hints             int             `json:"hints"`
	SolutionRevealed  bool            `json:"solutionRevealed"`
	SolvedAfterReveal bool            `json:"solvedAfterReveal"`
	StartedAt         *time.Time      `json:"startedAt"`
	DoneAt            *time.Time      `json:"doneAt"`
	RevealedAt        *time.Time      `json:"revealedAt"`
}

func countsView(c progress.Counts) countsJSON {
	return countsJSON{Total: c.Total, Done: c.Done, Revealed: c.Revealed, SolvedAfterReveal: c.SolvedAfterReveal, InProgress: c.InProgress, Percent: c.Percent()}
}

func progressView(c *lessons.Course, store *progress.Store) progressJSON {
	tracker := store.Course(c.ID)
	sum := progress.Summarize(c, tracker)
	out := progressJSON{
		Course: c.ID, Title: c.Title, File: store.Path(),
		Exercises: countsView(sum.Counts),
		Lessons:   lessonCountsJSON{Total: sum.Lessons, Read: sum.LessonsRead},
		Last:      sum.Last,
		Tracks:    []trackProgressJSON{},
	}
	for _, t := range sum.Tracks {
		tj := trackProgressJSON{ID: t.Track.ID, Title: t.Track.Title, Optional: t.Track.Optional,
			Exercises: countsView(t.Counts), Lessons: []lessonProgressJSON{}}
		for _, l := range t.Lessons {
			lj := lessonProgressJSON{ID: l.Lesson.ID, Title: l.Lesson.Title, Domain: l.Lesson.Domain, Status: l.Status,
				Read: l.Record.Read, ReadAt: l.Record.ReadAt, Quiz: l.Record.Quiz, Exercises: []exerciseProgressJSON{}}
			for _, e := range progress.SummarizeLesson(l.Lesson, tracker).Exercises {
				r := e.Record
				lj.Exercises = append(lj.Exercises, exerciseProgressJSON{
					ID: e.Exercise.ID, Title: e.Exercise.Title, Status: r.Status, Hints: r.Hints,
					SolutionRevealed: r.SolutionRevealed, SolvedAfterReveal: r.SolvedAfterReveal(),
					StartedAt: r.StartedAt, DoneAt: r.DoneAt, RevealedAt: r.RevealedAt,
				})
			}
			tj.Lessons = append(tj.Lessons, lj)
		}
		out.Tracks = append(out.Tracks, tj)
	}
	return out
}

var statusMarks = map[progress.Status]string{
	progress.NotStarted: "○", progress.InProgress: "◐", progress.Done: "●", progress.Revealed: "◎",
}

func writeProgressText(w io.Writer, v progressJSON) {
	e := v.Exercises
	fmt.Fprintf(w, "%s: %d of %d exercises complete (%d%%), %d of %d lessons read\n",
		v.Title, e.Done, e.Total, e.Percent, v.Lessons.Read, v.Lessons.Total)
	if e.SolvedAfterReveal > 0 {
		fmt.Fprintf(w, "%d solved after revealing the solution\n", e.SolvedAfterReveal)
	}
	if e.Revealed > 0 {
		fmt.Fprintf(w, "%d with the solution revealed, not solved yet\n", e.Revealed)
	}
	if v.Last != nil {
		where := v.Last.Exercise
		if where == "" {
			where = v.Last.Lesson
		}
		fmt.Fprintf(w, "Resumes at: %s %s\n", v.Last.Screen, where)
	}
	fmt.Fprintf(w, "Progress file: %s\n", v.File)
	for _, t := range v.Tracks {
		fmt.Fprintf(w, "\n%s  %d/%d\n", t.Title, t.Exercises.Done, t.Exercises.Total)
		for _, l := range t.Lessons {
			var notes []string
			if l.Read {
				notes = append(notes, "read")
			}
			if l.Quiz != nil {
				notes = append(notes, fmt.Sprintf("quiz %d/%d (best %d)", l.Quiz.Score, l.Quiz.Total, l.Quiz.Best))
			}
			done := 0
			for _, ex := range l.Exercises {
				if ex.Status.Complete() {
					done++
				}
			}
			progressLine(w, "  %s %-28s %d/%d exercises  %s", statusMarks[l.Status], l.ID, done, len(l.Exercises), strings.Join(notes, ", "))
			for _, ex := range l.Exercises {
				if ex.Status == progress.NotStarted {
					continue
				}
				var exNotes []string
				if ex.Hints > 0 {
					exNotes = append(exNotes, fmt.Sprintf("%d hint(s)", ex.Hints))
				}
				switch {
				case ex.Status == progress.Done && ex.DoneAt != nil:
					exNotes = append(exNotes, "solved "+ex.DoneAt.Local().Format("2006-01-02"))
					if ex.SolvedAfterReveal {
						exNotes = append(exNotes, "after revealing the solution")
					}
				case ex.Status == progress.Revealed:
					exNotes = append(exNotes, "solution revealed, not solved")
				}
				progressLine(w, "      %s %-40s %s", statusMarks[ex.Status], ex.ID, strings.Join(exNotes, ", "))
			}
		}
	}
}

// progressLine prints one line without trailing blanks.
func progressLine(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf(format, args...), " "))
}
