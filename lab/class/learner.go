package class

import (
	"context"
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubedojo/kubedojo/lessons"
)

// Learner is a class learner working on the shared cluster with the
// kubeconfig class create wrote for them: which exercises their class
// holds, how their namespaces are called, and their progress record.
type Learner struct {
	// Reporter writes the learner's progress record (the learner's own
	// ServiceAccount may update it, as the reporter's may).
	*Reporter
	// Config is the learner's connection to the class cluster.
	Config *rest.Config
	// Kubeconfig is the learner's kubeconfig file.
	Kubeconfig string
	// Assigned are the class's exercises, from the learner's progress
	// record (the class record is the instructor's to read).
	Assigned []Exercise
}

// OpenLearner connects as the learner of a learner kubeconfig (not the
// reporter's, which may do nothing but report) and reads the exercises
// of their class from their progress record.
func OpenLearner(ctx context.Context, kubeconfig string) (*Learner, error) {
	r, rc, reporter, err := openClassUser(ctx, kubeconfig)
	if err != nil {
		return nil, err
	}
	if reporter {
		return nil, fmt.Errorf("class kubeconfig %s only reports progress (it is for --report-to with a lab of your own); to work on the class cluster use %s.kubeconfig",
			kubeconfig, r.Learner)
	}
	cm, err := r.cs.CoreV1().ConfigMaps(Namespace(r.Class)).Get(ctx, ProgressName(r.Learner), metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read your progress record in class %s: %w", r.Class, err)
	}
	p, err := DecodeProgress(cm)
	if err != nil {
		return nil, err
	}
	return &Learner{Reporter: r, Config: rc, Kubeconfig: kubeconfig, Assigned: p.Assigned}, nil
}

// IsLearnerKubeconfig reports whether a kubeconfig file is one class
// create wrote for a learner: its current context reaches cluster
// "kubedojo-class-CLASS" as user "learner-NAME". It reads only the file;
// OpenLearner asks the cluster.
func IsLearnerKubeconfig(path string) bool {
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return false
	}
	kctx := cfg.Contexts[cfg.CurrentContext]
	return kctx != nil && strings.HasPrefix(kctx.Cluster, Namespace("")) && strings.HasPrefix(kctx.AuthInfo, ServiceAccountName(""))
}

// InstanceID is the kubedojo instance label (lab.LabelInstance) of a
// learner's work: class create labels the learner's namespaces with it
// and the learner's kubedojo labels what it makes, so the learner owns
// the same objects from any machine.
func InstanceID(class, learner string) string { return class + "." + learner }

// Namespace maps an exercise namespace to the learner's copy of it.
func (l *Learner) Namespace(exerciseNamespace string) string {
	return LearnerNamespace(l.Learner, exerciseNamespace)
}

// MissingNamespace says what to do when a namespace of the learner is
// missing (lab.ProvidedNamespaces.Missing).
func (l *Learner) MissingNamespace() string {
	return fmt.Sprintf("class %s made none for you under that name; ask your instructor", l.Class)
}

// Unavailable says why the learner cannot do an exercise in their class
// ("" when they can): class mode cannot run it (Unavailable), or their
// class does not include it.
func (l *Learner) Unavailable(ex *lessons.Exercise) string {
	if why := Unavailable(ex); why != "" {
		return why
	}
	if !slices.ContainsFunc(l.Assigned, func(a Exercise) bool { return a.ID == ex.ID }) {
		return fmt.Sprintf("class %s does not include it (the instructor chose the class's exercises)", l.Class)
	}
	return ""
}

// MapCourse renames the namespaces of the course's exercises that the
// class holds to the learner's (lessons.Exercise.RenameNamespaces), in
// place: every page, check, hint and solution then names the learner's
// namespaces. Exercises the class lacks keep their names (they are
// unavailable).
func (l *Learner) MapCourse(c *lessons.Course) {
	for _, lesson := range c.Lessons() {
		for i, ex := range lesson.Exercises() {
			if slices.ContainsFunc(l.Assigned, func(a Exercise) bool { return a.ID == ex.ID }) {
				lesson.Exercises()[i] = ex.RenameNamespaces(l.Namespace)
			}
		}
	}
}
