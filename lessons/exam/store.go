package exam

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Store keeps exams under a state directory: the exam in progress
// (exams/current.json), each finished exam's report (exams/<id>/) and the
// history of attempts (exams/history.jsonl).
type Store struct{ dir string }

// NewStore is the store under stateDir.
func NewStore(stateDir string) *Store { return &Store{dir: filepath.Join(stateDir, "exams")} }

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// ExamDir is where an exam keeps its files (kubeconfigs, the report).
func (s *Store) ExamDir(id string) string { return filepath.Join(s.dir, id) }

func (s *Store) currentPath() string { return filepath.Join(s.dir, "current.json") }
func (s *Store) historyPath() string { return filepath.Join(s.dir, "history.jsonl") }

// ReportPath is the file of a finished exam's report with the extension
// ext ("md", "json").
func (s *Store) ReportPath(id, ext string) string {
	return filepath.Join(s.ExamDir(id), "report."+ext)
}

// Active returns the exam in progress, or nil when there is none.
func (s *Store) Active() (*State, error) {
	data, err := os.ReadFile(s.currentPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the exam in progress: %w", err)
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("read the exam in progress (%s): %w; move the file away to start a new exam", s.currentPath(), err)
	}
	return &st, nil
}

// Save records the exam in progress.
func (s *Store) Save(st *State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode exam %s: %w", st.ID, err)
	}
	return writeAtomic(s.currentPath(), append(data, '\n'))
}

// Finish saves the graded exam's report as JSON and Markdown, appends it
// to the history and ends the exam in progress.
func (s *Store) Finish(r *Result) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the report of exam %s: %w", r.ID, err)
	}
	if err := writeAtomic(s.ReportPath(r.ID, "json"), append(data, '\n')); err != nil {
		return err
	}
	if err := writeAtomic(s.ReportPath(r.ID, "md"), []byte(r.Markdown())); err != nil {
		return err
	}
	line, err := json.Marshal(r.Attempt())
	if err != nil {
		return fmt.Errorf("encode the history of exam %s: %w", r.ID, err)
	}
	f, err := os.OpenFile(s.historyPath(), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("exam history: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("exam history: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("exam history: %w", err)
	}
	if err := os.Remove(s.currentPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("end exam %s: %w", r.ID, err)
	}
	return nil
}

// History returns the finished attempts, oldest first. A line that cannot
// be read is skipped rather than hiding every other attempt.
func (s *Store) History() ([]Attempt, error) {
	data, err := os.ReadFile(s.historyPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("exam history: %w", err)
	}
	var out []Attempt
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		var a Attempt
		if json.Unmarshal(sc.Bytes(), &a) == nil && a.ID != "" {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Graded.Before(out[j].Graded) })
	return out, nil
}

// Seen is when each task of pool was last in one of the learner's
// finished exams, for the next draw to avoid (DrawOptions.Seen). History
// lines written before they listed their tasks are read from the exam's
// report.
func (s *Store) Seen(pool string) (map[string]time.Time, error) {
	h, err := s.History()
	if err != nil {
		return nil, err
	}
	seen := map[string]time.Time{}
	for _, a := range h {
		if a.Pool != pool {
			continue
		}
		ids := a.TaskIDs
		if len(ids) == 0 {
			if r, err := s.Result(a.ID); err == nil {
				ids = r.TaskIDs()
			}
		}
		for _, id := range ids {
			if a.Graded.After(seen[id]) {
				seen[id] = a.Graded
			}
		}
	}
	return seen, nil
}

// Result reads a finished exam's report; id "" is the latest.
func (s *Store) Result(id string) (*Result, error) {
	if id == "" {
		h, err := s.History()
		if err != nil {
			return nil, err
		}
		if len(h) == 0 {
			return nil, errors.New("no exam has been finished yet (start one with kubedojo exam)")
		}
		id = h[len(h)-1].ID
	}
	data, err := os.ReadFile(s.ReportPath(id, "json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no report of exam %q (kubedojo exam history lists the exams)", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read the report of exam %s: %w", id, err)
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("read the report of exam %s: %w", id, err)
	}
	return &r, nil
}

// writeAtomic replaces a file so that a crash leaves the old or the new
// content, never half of it.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
