package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// A pack that is not built in may do more than its namespaces allow
// (lessons.Powers: privileged pods, node directories, powerful bindings,
// root commands in the lab's nodes). Before any of its exercises is set
// up or graded, the learner sees what it will do and agrees, once per
// pack id and version (remembered in the state directory), or passes
// --trust-pack. The built-in course and exam pool are trusted.

// trustFile records the packs the learner agreed to, in the state
// directory.
const trustFile = "trusted-packs.json"

// trustRecord is trustFile's content: agreement time by "id@version".
type trustRecord struct {
	Packs map[string]time.Time `json:"packs"`
}

func packKey(c *lessons.Course) string { return c.ID + "@" + c.Version }

// errUntrustedPack is the refusal of a pack the learner did not agree to.
var errUntrustedPack = errors.New("the lesson pack was not trusted")

// trustPack lets a course's exercises run: at once when it is built in,
// has no powers, was agreed to before or --trust-pack is given;
// otherwise after the learner agrees at a terminal (remembered). Without a
// terminal it refuses with what the pack would do and how to agree.
func (o *options) trustPack(c *lessons.Course) error {
	if c == nil || o.builtin[c] || o.trustPackFlag {
		return nil
	}
	powers := lessons.Powers(c)
	if len(powers) == 0 {
		return nil
	}
	rec, err := readTrust(o.settings.StateDir.V)
	if err != nil {
		return withCode(exitEnv, err)
	}
	if _, ok := rec.Packs[packKey(c)]; ok {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "lesson pack %q (%s, version %s) is not kubedojo's built-in course, and its exercises reach past their own namespaces:\n", c.Title, c.ID, c.Version)
	for _, p := range powers {
		fmt.Fprintf(&b, "  - %s\n", p)
	}
	b.WriteString("Trust it only if you would run its author's scripts as root on this machine's lab.")
	in := o.stdin
	if in == nil || !readsTerminal(in) || !isTerminal(o.stderr) {
		return withCode(exitEnv, fmt.Errorf("%w\n%s\nRun kubedojo at a terminal to agree once for this version, or pass --trust-pack", errUntrustedPack, b.String()))
	}
	if !confirmTrust(in, o.stderr, b.String()) {
		return withCode(exitEnv, fmt.Errorf("%w: you did not agree; nothing of it was set up", errUntrustedPack))
	}
	return withCode(exitEnv, rememberTrust(o.settings.StateDir.V, rec, c))
}

// confirmTrust shows what the pack does and asks; only "y" or "yes"
// agrees.
func confirmTrust(in io.Reader, out io.Writer, what string) bool {
	return confirm(in, out, what+"\nRun this pack's exercises? kubedojo remembers the answer for this version.")
}

func readTrust(stateDir string) (*trustRecord, error) {
	rec := &trustRecord{Packs: map[string]time.Time{}}
	data, err := os.ReadFile(filepath.Join(stateDir, trustFile))
	if errors.Is(err, fs.ErrNotExist) {
		return rec, nil
	}
	if err == nil {
		err = json.Unmarshal(data, rec)
	}
	if err != nil {
		return nil, fmt.Errorf("read the packs you trusted (%s): %w", filepath.Join(stateDir, trustFile), err)
	}
	if rec.Packs == nil {
		rec.Packs = map[string]time.Time{}
	}
	return rec, nil
}

func rememberTrust(stateDir string, rec *trustRecord, c *lessons.Course) error {
	rec.Packs[packKey(c)] = time.Now().UTC()
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return fmt.Errorf("remember that you trust %s: %w", packKey(c), err)
	}
	if err := writePrivateFile(filepath.Join(stateDir, trustFile), data); err != nil {
		return fmt.Errorf("remember that you trust %s: %w", packKey(c), err)
	}
	return nil
}
