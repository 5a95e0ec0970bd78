package exercise

import (
	"fmt"
	"strings"

	"github.com/kubedojo/kubedojo/lessons"
)

// document is the exercise's Markdown: the task, the hints revealed so far
// and, once revealed, the reference solution, with template variables
// expanded by expand.
func document(ex *lessons.Exercise, hints int, solution bool, expand func(string) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", ex.Title)
	facts := []string{"tier " + string(ex.Tier)}
	var ns []string
	for _, n := range ex.Namespaces {
		ns = append(ns, "`"+n.Name+"`")
	}
	if len(ns) > 0 {
		facts = append(facts, "namespace "+strings.Join(ns, ", "))
	}
	if ex.Troubleshooting {
		facts = append(facts, "troubleshooting: the start state is broken on purpose")
	}
	fmt.Fprintf(&b, "*%s*\n\n", strings.Join(facts, " · "))
	b.WriteString(strings.TrimSpace(ex.Task))
	b.WriteString("\n")

	if hints > 0 {
		fmt.Fprintf(&b, "\n## Hints (%d of %d)\n\n", hints, len(ex.Hints))
		for i, h := range ex.Hints[:min(hints, len(ex.Hints))] {
			fmt.Fprintf(&b, "%d. %s\n", i+1, strings.TrimSpace(h))
		}
	}
	if solution {
		b.WriteString("\n## Solution\n\n")
		if e := strings.TrimSpace(ex.Solution.Explanation); e != "" {
			b.WriteString(e + "\n\n")
		}
		for _, st := range ex.Solution.Steps {
			b.WriteString(step(st, ex))
		}
	}
	return expand(b.String())
}

// step renders one solution step as the commands a learner would type.
func step(s lessons.Step, ex *lessons.Exercise) string {
	block := func(lang, text string) string {
		return fmt.Sprintf("```%s\n%s\n```\n\n", lang, strings.TrimRight(text, "\n"))
	}
	switch {
	case s.Run != "":
		return block("sh", s.Run)
	case s.Apply != "":
		return fmt.Sprintf("Apply this in namespace `%s` (`kubectl apply -f file.yaml`):\n\n", ex.DefaultNamespace()) + block("yaml", s.Apply)
	case s.Delete != nil:
		ns := s.Delete.Namespace
		if ns == "" && !lessons.ClusterScoped(s.Delete.Kind) {
			ns = ex.DefaultNamespace()
		}
		cmd := "kubectl delete " + strings.ToLower(s.Delete.Kind) + " " + s.Delete.Name
		if ns != "" {
			cmd = "kubectl -n " + ns + " delete " + strings.ToLower(s.Delete.Kind) + " " + s.Delete.Name
		}
		return block("sh", cmd)
	case s.Wait != nil:
		what := s.Wait.Title
		if what == "" {
			what = s.Wait.Kind()
		}
		return fmt.Sprintf("Wait (up to %s) until: %s\n\n", s.Wait.Timeout.Duration, what)
	case s.Node != "":
		return "On node `{{NODE}}` (`docker exec -it {{NODE}} bash`):\n\n" + block("sh", s.Node)
	case s.File != nil:
		return fmt.Sprintf("Write `%s`:\n\n", s.File.Path) + block("", s.File.Content)
	case s.TLS != nil:
		return fmt.Sprintf("Create a self-signed certificate for `%s` in `%s` with its key in `%s`.\n\n", s.TLS.Host, s.TLS.Cert, s.TLS.Key)
	}
	return ""
}
