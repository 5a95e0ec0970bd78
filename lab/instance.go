package lab

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubedojo/kubedojo/lessons"
)

// Two learners may share a cluster kubedojo did not create (a class, a
// team's cluster). The exercise label says which exercise an object
// belongs to, not whose it is, so one learner's reset deleted the other's
// work. Every object kubedojo makes therefore also names the kubedojo
// instance that made it — a random id kept in the state directory — and
// on such a cluster kubedojo changes and deletes only its own instance's.

// LabelInstance names the kubedojo instance (state directory) that made an
// object, as InstanceID returns it.
const LabelInstance = "kubedojo.dev/instance"

// instanceFile holds the instance id inside the state directory.
const instanceFile = "instance"

// InstanceID returns the id of the kubedojo instance that uses stateDir,
// making one the first time: 16 hex digits, a valid label value.
func InstanceID(stateDir string) (string, error) {
	path := filepath.Join(stateDir, instanceFile)
	if id, err := readInstanceID(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return id, err
	}
	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("make a kubedojo instance id: %w", err)
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return "", fmt.Errorf("make a kubedojo instance id: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another kubedojo process made it first.
		return readInstanceID(path)
	}
	if err != nil {
		return "", fmt.Errorf("make a kubedojo instance id: %w", err)
	}
	id := hex.EncodeToString(raw[:])
	_, err = f.WriteString(id + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return "", fmt.Errorf("make a kubedojo instance id: %w", err)
	}
	return id, nil
}

func readInstanceID(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	id := strings.TrimSpace(string(data))
	if len(id) != 16 {
		return "", fmt.Errorf("kubedojo instance id in %s is %q, not 16 hex digits; delete the file to make a new one", path, id)
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", fmt.Errorf("kubedojo instance id in %s is %q, not 16 hex digits; delete the file to make a new one", path, id)
	}
	return id, nil
}

// owns reports whether obj is this instance's for the exercise: labelled
// for it, and on a cluster kubedojo did not create labelled by this
// instance too. On the own lab one learner owns everything (and objects
// of an older kubedojo carry no instance label).
func (e *Environment) owns(obj metav1.Object, ex *lessons.Exercise) bool {
	if !labelledFor(obj, ex) {
		return false
	}
	return !e.opts.Foreign || e.opts.Instance == "" || obj.GetLabels()[LabelInstance] == e.opts.Instance
}

// ownerNote says, for an object labelled for the exercise that this
// instance does not own, that another learner's kubedojo made it.
func (e *Environment) ownerNote(obj metav1.Object, ex *lessons.Exercise) string {
	if labelledFor(obj, ex) && !e.owns(obj, ex) {
		return " (another kubedojo instance, " + obj.GetLabels()[LabelInstance] + ", made it for this exercise: another learner's work)"
	}
	return ""
}

// exerciseSelector selects what this instance made for the exercise.
func (e *Environment) exerciseSelector(ex *lessons.Exercise) string {
	s := LabelExercise + "=" + ExerciseLabelValue(ex.ID)
	if e.opts.Foreign && e.opts.Instance != "" {
		s += "," + LabelInstance + "=" + e.opts.Instance
	}
	return s
}
