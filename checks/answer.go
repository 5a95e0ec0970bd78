package checks

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("answer", kindOf[*lessons.AnswerCheck]{
		Eval: (*evaluation).evalAnswer,
		Deps: func(dc *depCollector, a *lessons.AnswerCheck) {
			dc.kind("ConfigMap", dc.ns(a.Namespace))
			dc.values(&a.Expect)
		},
	})
}

// AnswersConfigMap is the ConfigMap learners write find-and-report answers
// into.
const AnswersConfigMap = "answers"

// answer reads one key of the answers ConfigMap. why is set when the
// learner has not written it yet.
func (ev *evaluation) answer(ctx context.Context, ns, key string) (value, why string, err error) {
	ns = ev.namespaceOr(ns)
	cm, err := getTyped[corev1.ConfigMap](ctx, ev, "ConfigMap", ns, AnswersConfigMap)
	if err != nil {
		return "", "", err
	}
	if cm == nil {
		text := fmt.Sprintf("Create ConfigMap '%s' in namespace %s (kubectl -n %s create configmap %s --from-literal=%s=…)", AnswersConfigMap, ns, ns, AnswersConfigMap, key)
		if t, err := ev.env.gvrFor("ConfigMap", ns); err == nil {
			t.ref.Name = AnswersConfigMap
			text = ev.missing(t, text)
		}
		return "", text, nil
	}
	v, ok := cm.Data[key]
	if !ok {
		return "", fmt.Sprintf("%s has no key '%s'", AnswersConfigMap, key), nil
	}
	return strings.TrimSpace(v), "", nil
}

func (ev *evaluation) evalAnswer(ctx context.Context, a *lessons.AnswerCheck) (bool, string, error) {
	v, why, err := ev.answer(ctx, a.Namespace, a.Key)
	if err != nil || why != "" {
		return false, why, err
	}
	m, err := evalExpect(ctx, a.Expect, []any{v}, ev.resolveValue, true)
	if err != nil {
		return false, "", err
	}
	if m != nil {
		return false, fmt.Sprintf("%s[%s] = '%s' is not correct", AnswersConfigMap, a.Key, truncate(v, 80)), nil
	}
	return true, "", nil
}
