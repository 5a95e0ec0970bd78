package exercise

import (
	"fmt"
	"strings"

	"github.com/kubedojo/kubedojo/lessons"
	"github.com/kubedojo/kubedojo/tui/components/markdown"
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
		fmt.Fprintf(&b, "\n## %s\n\n", hintsHeading(hints, len(ex.Hints)))
		for i, h := range ex.Hints[:min(hints, len(ex.Hints))] {
			fmt.Fprintf(&b, "%d. %s\n", i+1, strings.TrimSpace(h))
		}
	}
	if solution {
		b.WriteString("\n## " + solutionHeading + "\n\n")
		if e := strings.TrimSpace(ex.Solution.Explanation); e != "" {
			b.WriteString(e + "\n\n")
		}
		for _, st := range ex.Solution.Steps {
			b.WriteString(step(st, ex))
		}
	}
	return expand(b.String())
}

// The headings of the revealed parts, which the finders below look for in
// the rendered document.
const solutionHeading = "Solution"

func hintsHeading(shown, total int) string {
	return fmt.Sprintf("Hints (%d of %d)", shown, total)
}

// headingLine returns the index of the rendered line that is the heading
// text, at or after from, or -1.
func headingLine(lines []string, text string, from int) int {
	for i := max(0, from); i < len(lines); i++ {
		if strings.TrimLeft(strings.TrimSpace(lines[i]), "# ") == text {
			return i
		}
	}
	return -1
}

// hintPart finds hint n of total in the rendered document: from its item
// to the end of the hints.
func hintPart(n, total int) markdown.Finder {
	return func(lines []string) (int, int, bool) {
		h := headingLine(lines, hintsHeading(n, total), 0)
		if h < 0 {
			return 0, 0, false
		}
		start := h
		item := fmt.Sprintf("%d. ", n)
		for i := h + 1; i < len(lines); i++ {
			if strings.HasPrefix(strings.TrimSpace(lines[i]), item) {
				start = i
				break
			}
		}
		end := headingLine(lines, solutionHeading, h+1)
		if end < 0 {
			end = len(lines)
		}
		return start, end, true
	}
}

// solutionPart finds the solution in the rendered document: its heading,
// its explanation and its first step, or as much as the reader holds.
func solutionPart(lines []string) (int, int, bool) {
	h := headingLine(lines, solutionHeading, 0)
	if h < 0 {
		return 0, 0, false
	}
	return h, len(lines), true
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
