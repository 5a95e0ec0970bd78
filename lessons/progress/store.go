package progress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Store is the progress file of one state directory, loaded in memory. Its
// methods are safe for concurrent use: the TUI changes records in its
// Update loop and saves them from a background command.
type Store struct {
	path string
	now  func() time.Time

	mu   sync.Mutex // guards data and dirty
	data File
	// dirty counts changes not yet written.
	dirty int

	saveMu sync.Mutex // serialises writers, so the last save holds the newest state
}

// CorruptError reports a progress file that could not be read. Open moved
// it aside to Backup and started a fresh record; nothing was deleted.
type CorruptError struct {
	Path   string
	Backup string
	Err    error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("progress file %s is damaged (%v); it was kept as %s and kubedojo starts a new record", e.Path, e.Err, e.Backup)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// ErrNewerVersion means progress.json was written by a newer kubedojo; the
// file is left untouched.
var ErrNewerVersion = errors.New("progress file was written by a newer kubedojo")

// Open loads <dir>/progress.json, creating dir when needed. A missing file
// is an empty record. A damaged file is renamed to
// progress.json.corrupt-<timestamp> and Open returns a usable empty store
// together with a *CorruptError, so the caller can tell the learner and go
// on. Any other error leaves the store nil.
func Open(dir string) (*Store, error) {
	return open(dir, time.Now)
}

func open(dir string, now func() time.Time) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	s := &Store{path: filepath.Join(dir, FileName), now: now, data: File{Version: Version, Courses: map[string]*Course{}}}
	raw, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read progress: %w", err)
	}
	f, err := decode(raw)
	if errors.Is(err, ErrNewerVersion) {
		return nil, fmt.Errorf("%s: %w (version %d; this one reads version %d): upgrade kubedojo or use another --state-dir", s.path, err, f.Version, Version)
	}
	if err != nil {
		backup := fmt.Sprintf("%s.corrupt-%s", s.path, now().UTC().Format("20060102T150405Z"))
		if rerr := os.Rename(s.path, backup); rerr != nil {
			return nil, fmt.Errorf("progress file %s is damaged (%v) and could not be moved aside: %w", s.path, err, rerr)
		}
		return s, &CorruptError{Path: s.path, Backup: backup, Err: err}
	}
	s.data = f
	return s, nil
}

func decode(raw []byte) (File, error) {
	var f File
	if len(bytes.TrimSpace(raw)) == 0 {
		return f, errors.New("the file is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return f, errors.New("invalid JSON: data after the document")
	}
	switch {
	case f.Version <= 0:
		return f, errors.New("no format version")
	case f.Version > Version:
		return f, ErrNewerVersion
	}
	if f.Courses == nil {
		f.Courses = map[string]*Course{}
	}
	for id, c := range f.Courses {
		if c == nil {
			return f, fmt.Errorf("course %q has no record", id)
		}
		for exID, e := range c.Exercises {
			if e == nil {
				return f, fmt.Errorf("exercise %q has no record", exID)
			}
			switch e.Status {
			case NotStarted, InProgress, Done:
			case Revealed:
				// Older kubedojo kept an exercise solved after revealing
				// its solution as solution-revealed; its checks passed,
				// so it is done.
				if e.DoneAt != nil {
					e.Status = Done
				}
			default:
				// A status this kubedojo does not know (a newer one's, a
				// hand edit) costs that entry its status only, never the
				// file: what its times say it reached.
				e.Status = InProgress
				if e.DoneAt != nil {
					e.Status = Done
				}
			}
		}
		for lID, l := range c.Lessons {
			if l == nil {
				return f, fmt.Errorf("lesson %q has no record", lID)
			}
		}
	}
	f.Version = Version
	return f, nil
}

// Path is the progress file's path.
func (s *Store) Path() string { return s.path }

// Dirty reports whether the store holds changes not yet saved.
func (s *Store) Dirty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dirty > 0
}

// Save writes the store if it changed since the last save: to a temporary
// file in the same directory, synced, then renamed over progress.json, so
// the file is always either the old or the new version. It holds the
// state directory's lock file (progress.json.lock) from reading what
// another process saved since, which it merges in (merge.go), to the
// rename, so any number of kubedojo processes (two TUIs, a check in
// another terminal) keep every change. Under the lock no other save is
// under way, so temporary files left there are from crashed saves and
// are removed.
func (s *Store) Save() error {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()

	s.mu.Lock()
	if s.dirty == 0 {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	unlock, err := lockFile(s.path + ".lock")
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	defer unlock()
	removeCrashedSaves(s.path)
	// A damaged or unreadable file has nothing to merge (Open set the
	// damaged one aside already).
	disk, derr := s.readFile()
	s.mu.Lock()
	if derr == nil {
		mergeFile(&s.data, disk)
	}
	raw, err := json.MarshalIndent(s.data, "", "  ")
	written := s.dirty
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("encode progress: %w", err)
	}
	if err := writeAtomic(s.path, append(raw, '\n')); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	s.mu.Lock()
	s.dirty -= written
	s.mu.Unlock()
	return nil
}

// readFile reads and decodes the progress file as it is on disk now.
func (s *Store) readFile() (File, error) {
	raw, err := os.ReadFile(s.path)
	if err != nil {
		return File{}, err
	}
	return decode(raw)
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Sync the directory so the rename itself survives a crash; some file
	// systems do not support it, and the data is already safe then.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Course returns the tracker of one course's record.
func (s *Store) Course(id string) *Tracker {
	return &Tracker{s: s, id: id}
}
