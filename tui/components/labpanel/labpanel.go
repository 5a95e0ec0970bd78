// Package labpanel shows the state of the lab cluster: a one-line summary
// for the header, and a panel with kind's start phases as a progress bar,
// the ready state, or the error with what to do about it.
package labpanel

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/prose"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// Compact is the lab state in a few words, for the header.
func Compact(c *common.Common) string {
	s, st := c.Styles, c.LabState
	switch {
	case st.Disabled:
		return s.Muted.Render("lab off")
	case st.Err != nil:
		return s.Fail.Render(styles.IconFail + " lab failed")
	case st.Starting && st.Progress.Total > 0:
		return s.InProgress.Render(fmt.Sprintf("%s lab starting %d/%d", styles.MarkInProgress, st.Progress.Step, st.Progress.Total))
	case st.Starting:
		return s.InProgress.Render(styles.MarkInProgress + " lab starting")
	case st.Unreachable != "":
		return s.Error.Render(styles.IconError + " lab not answering")
	case st.Ready:
		return s.Pass.Render(styles.MarkDone + " lab ready")
	case st.Status.Summary != "":
		return s.Error.Render(styles.IconError + " lab not ready")
	}
	return s.Muted.Render(styles.MarkNotStarted + " lab")
}

// Model is the lab panel.
type Model struct {
	c     *common.Common
	width int
}

// New returns a lab panel.
func New(c *common.Common) *Model { return &Model{c: c} }

// SetSize sets the panel's width; its height follows its content.
func (m *Model) SetSize(width, _ int) { m.width = width }

// View renders the panel.
func (m *Model) View() string {
	s, st := m.c.Styles, m.c.LabState
	w := max(20, m.width)
	wrap := func(style lipgloss.Style, text string) string {
		return style.Render(prose.Wrap(strings.TrimSpace(text), w))
	}
	var lines []string
	switch {
	case st.Disabled:
		lines = append(lines, wrap(s.Muted, "Lab off (--no-lab): exercises are not set up or graded here. Start kubedojo without --no-lab to get a cluster."))
	case st.Err != nil:
		lines = append(lines,
			s.Fail.Render(styles.IconFail+" The lab could not start"),
			wrap(s.Bold, st.Err.Error()),
			wrap(s.Muted, "Fix the problem above, then press "+m.c.Keys.RetryLab.Help().Key+" to try again."))
	case st.Starting:
		p := st.Progress
		lines = append(lines, prose.Wrap(s.Subtitle.Render("Starting the lab cluster")+s.Muted.Render(" — keep reading, it runs in the background"), w))
		if p.Total > 0 {
			count := fmt.Sprintf(" %d/%d", p.Step, p.Total)
			lines = append(lines, s.Bar(w-lipgloss.Width(count), p.Step, p.Total)+count)
		}
		if text := phaseText(p); text != "" {
			lines = append(lines, wrap(s.Muted, text))
		}
	case st.Unreachable != "":
		lines = append(lines,
			s.Error.Render(styles.IconError+" The lab is not answering"),
			wrap(s.Bold, st.Unreachable),
			wrap(s.Muted, "The checks show an environment error, not your answer; grading resumes by itself when the lab answers again."))
	case st.Ready:
		lines = append(lines, prose.Wrap(s.Pass.Render(styles.MarkDone+" Lab ready")+" "+st.Status.Summary, w))
		if st.Status.Detail != "" {
			lines = append(lines, wrap(s.Muted, st.Status.Detail))
		}
	case st.Status.Summary != "":
		lines = append(lines, prose.Wrap(s.Error.Render(styles.IconError+" Lab not ready: ")+st.Status.Summary, w))
		if st.Status.Detail != "" {
			lines = append(lines, wrap(s.Muted, st.Status.Detail))
		}
	default:
		lines = append(lines, s.Muted.Render("The lab has not started yet."))
	}
	return strings.Join(lines, "\n")
}

func phaseText(p common.LabProgress) string {
	switch {
	case p.Phase != "" && p.Message != "":
		return p.Phase + ": " + p.Message
	case p.Phase != "":
		return p.Phase
	}
	return p.Message
}
