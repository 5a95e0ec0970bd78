package lab

import (
	"fmt"
	"strings"

	"github.com/kubedojo/kubedojo/lessons"
)

// DefaultWorkers is the number of worker nodes of a new lab: CKA tasks
// drain, taint and select nodes, and DaemonSets and anti-affinity need a
// second node. --workers 0 keeps the smaller lab for small machines.
const DefaultWorkers = 1

// WorkersAdvice is the command that gives kubedojo's lab n workers. An
// existing lab is never recreated on its own (that would delete what the
// learner made in it), so the advice says what recreating costs.
func WorkersAdvice(n int) string {
	return fmt.Sprintf("`kubedojo lab down && kubedojo lab up --workers %d` (recreates the lab: what you made in it is deleted)", n)
}

// Advice says what keeps kubedojo's own lab from serving a course's
// exercises that it could serve if recreated, and the command that
// recreates it: fewer workers than wanted (the configured number) or than
// exercises need, or node tools an old node image lacks. kubedojo never
// recreates a lab for this by itself: the learner's work is in it.
func (c Capabilities) Advice(exs []*lessons.Exercise, wanted int) []string {
	if !c.OwnLab {
		return nil
	}
	var short []string
	need := wanted
	for _, ex := range exs {
		if ex.Workers > c.Workers {
			short = append(short, ex.ID)
			need = max(need, ex.Workers)
		}
	}
	var out []string
	if need > c.Workers && c.Workers+len(c.NotReadyWorkers) >= need {
		msg := c.notReady()
		if len(short) > 0 {
			msg += fmt.Sprintf("; %s need %s: %s", plural(len(short), "exercise"), plural(need, "Ready worker"), firstIDs(short))
		}
		out = append(out, msg)
	} else if need > c.Workers {
		msg := fmt.Sprintf("this lab has %s", plural(c.Workers, "worker node"))
		if wanted > c.Workers {
			msg += fmt.Sprintf(" (%d wanted: a lab keeps the layout it was made with)", wanted)
		}
		if len(short) > 0 {
			msg += fmt.Sprintf("; %s need more: %s", plural(len(short), "exercise"), firstIDs(short))
		}
		out = append(out, msg+". For "+plural(need, "worker")+": "+WorkersAdvice(need))
	}
	for _, tool := range NodeTools {
		if has, known := c.NodeTools[tool]; !known || has {
			continue
		}
		var uses []string
		for _, ex := range exs {
			if ex.Tier == lessons.TierNodeAccess && usesNodeTool(ex, tool) {
				uses = append(uses, ex.ID)
			}
		}
		if len(uses) > 0 {
			verb := "use"
			if len(uses) == 1 {
				verb = "uses"
			}
			out = append(out, fmt.Sprintf("%s %s %s (%s): %s", plural(len(uses), "exercise"), verb, tool, firstIDs(uses), MissingToolAdvice(tool, max(need, c.Workers))))
		}
	}
	return out
}

// firstIDs lists up to three exercise ids and how many more there are.
func firstIDs(ids []string) string {
	if len(ids) <= 3 {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:3], ", "), len(ids)-3)
}

// Workers is the number of workers a new lab gets (Config.Workers).
func (l *Lab) Workers() int { return l.cfg.Workers }
