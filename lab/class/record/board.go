package record

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Board is a class as the instructor's board sees it: who, which
// exercises, and the latest progress record of each learner.
type Board struct {
	Class     string
	Learners  []string
	Exercises []string
	// Progress is each learner's record, by learner; a learner without a
	// record yet has not started anything.
	Progress map[string]Progress
}

// CellView is one learner's exercise on the board.
type CellView struct {
	Exercise string   `json:"exercise"`
	Cell     Cell     `json:"cell"`
	Latest   Exercise `json:"latest"`
}

// Row is one learner's line of the board.
type Row struct {
	Learner string     `json:"learner"`
	Done    int        `json:"done"`
	Stuck   int        `json:"stuck"`
	Cells   []CellView `json:"cells"`
}

// Rows lays the board out at now, in the class's learner order.
func (b *Board) Rows(now time.Time, stuckAfter time.Duration) []Row {
	rows := make([]Row, 0, len(b.Learners))
	for _, l := range b.Learners {
		p := b.Progress[l]
		r := Row{Learner: l, Cells: make([]CellView, 0, len(b.Exercises))}
		for _, id := range b.Exercises {
			e := p.Exercises[id]
			cell := e.Cell(now, stuckAfter)
			switch cell {
			case CellDone:
				r.Done++
			case CellStuck:
				r.Stuck++
			}
			r.Cells = append(r.Cells, CellView{Exercise: id, Cell: cell, Latest: e})
		}
		rows = append(rows, r)
	}
	return rows
}

// Sort orders of the board.
type Sort int

// Sorts: by name, by exercises done (most first), by exercises stuck
// (most first); ties by name.
const (
	SortName Sort = iota
	SortDone
	SortStuck
	sortCount
)

// Next is the sort after s, cycling.
func (s Sort) Next() Sort { return (s + 1) % sortCount }

// String names the sort for the board's status line.
func (s Sort) String() string {
	switch s {
	case SortDone:
		return "most done"
	case SortStuck:
		return "most stuck"
	}
	return "name"
}

// SortRows orders rows in place.
func SortRows(rows []Row, s Sort) {
	slices.SortStableFunc(rows, func(a, b Row) int {
		switch s {
		case SortDone:
			if a.Done != b.Done {
				return b.Done - a.Done
			}
		case SortStuck:
			if a.Stuck != b.Stuck {
				return b.Stuck - a.Stuck
			}
		}
		return strings.Compare(a.Learner, b.Learner)
	})
}

// Snapshot is the board at one moment, for grading (kubedojo class board
// --json).
type Snapshot struct {
	Class      string        `json:"class"`
	Taken      time.Time     `json:"taken"`
	StuckAfter time.Duration `json:"stuckAfterSeconds"`
	Rows       []Row         `json:"learners"`
}

// WriteJSON writes the board's snapshot as JSON.
func WriteJSON(w io.Writer, s Snapshot) error {
	s.StuckAfter /= time.Second
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// WriteCSV writes the board's snapshot as CSV, one line per learner and
// exercise.
func WriteCSV(w io.Writer, s Snapshot) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"learner", "exercise", "cell", "passed", "total", "failing_since", "check", "message", "updated"})
	for _, r := range s.Rows {
		for _, c := range r.Cells {
			_ = cw.Write([]string{
				r.Learner, c.Exercise, string(c.Cell), strconv.Itoa(c.Latest.Passed), strconv.Itoa(c.Latest.Total),
				stamp(c.Latest.FailingSince), c.Latest.Check, c.Latest.Message, stamp(c.Latest.Updated),
			})
		}
	}
	cw.Flush()
	return cw.Error()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
