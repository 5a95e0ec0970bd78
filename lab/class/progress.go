package class

import (
	"context"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/kubedojo/kubedojo/lab"
	"github.com/kubedojo/kubedojo/lab/class/record"
)

// The progress record's types live in package record (no cluster
// dependencies, for the board's TUI page); these names keep this
// package's API whole.
type (
	State            = record.State
	ExerciseProgress = record.Exercise
	Progress         = record.Progress
)

// States of an exercise in a progress record.
const (
	StateNotStarted = record.StateNotStarted
	StateFailing    = record.StateFailing
	StateDone       = record.StateDone
)

const progressKey = "progress.json"

// DecodeProgress reads a progress record ConfigMap.
func DecodeProgress(cm *corev1.ConfigMap) (Progress, error) {
	p := Progress{Class: cm.Labels[LabelClass], Learner: cm.Labels[LabelLearner]}
	if raw := cm.Data[progressKey]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return Progress{}, fmt.Errorf("progress record %s/%s: %w", cm.Namespace, cm.Name, err)
		}
	}
	if p.Exercises == nil {
		p.Exercises = map[string]record.Exercise{}
	}
	return p, nil
}

func encodeProgress(cm *corev1.ConfigMap, p Progress) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	cm.Data[progressKey] = string(data)
	return nil
}

// progressRecord is a learner's empty record, as class create makes it.
func progressRecord(rec *Record, learner string) (*corev1.ConfigMap, error) {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{
		Name: ProgressName(learner), Namespace: Namespace(rec.Name),
		Labels: classLabels(rec.Name, learner, PartProgress),
	}}
	return cm, encodeProgress(cm, Progress{Class: rec.Name, Learner: learner, Assigned: rec.Exercises, Exercises: map[string]record.Exercise{}})
}

// Report records one exercise's state in the learner's progress record,
// keeping FailingSince across repeated failures. It needs only get and
// update on that one ConfigMap (what the learner's and the reporter's
// Roles grant).
func Report(ctx context.Context, cs kubernetes.Interface, class, learner, exercise string, ep ExerciseProgress) error {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cm, err := cs.CoreV1().ConfigMaps(Namespace(class)).Get(ctx, ProgressName(learner), metav1.GetOptions{})
		if err != nil {
			return err
		}
		p, err := DecodeProgress(cm)
		if err != nil {
			return err
		}
		prev, had := p.Exercises[exercise]
		if ep.State == StateFailing && had && prev.State == StateFailing && !prev.FailingSince.IsZero() {
			ep.FailingSince = prev.FailingSince
		}
		if had && prev.State == ep.State && prev.Passed == ep.Passed && prev.Check == ep.Check && prev.Message == ep.Message {
			return nil // nothing the board shows changed
		}
		p.Exercises[exercise] = ep
		if err := encodeProgress(cm, p); err != nil {
			return err
		}
		_, err = cs.CoreV1().ConfigMaps(cm.Namespace).Update(ctx, cm, metav1.UpdateOptions{FieldManager: lab.FieldManager})
		return err
	})
	if err != nil {
		return fmt.Errorf("report %s of learner %s to class %s: %w", exercise, learner, class, err)
	}
	return nil
}
