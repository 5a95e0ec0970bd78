package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/kubedojo/kubedojo/lab"
)

// askRecreate asks the learner whether a broken lab may be deleted and
// created again. Only a person at a terminal can agree; without one
// (a script, CI) the answer is no and the error's advice stands.
func askRecreate(in io.Reader, out io.Writer, broken *lab.BrokenError) bool {
	if !readsTerminal(in) || !isTerminal(out) {
		return false
	}
	return confirmRecreate(in, out, broken)
}

// confirmRecreate asks; only "y" or "yes" agrees.
func confirmRecreate(in io.Reader, out io.Writer, broken *lab.BrokenError) bool {
	return confirm(in, out, fmt.Sprintf("lab %q is broken: %s.\nDelete it and create a new one? Everything in the cluster is lost; your progress is kept.",
		broken.Lab, broken.Reason))
}

// confirm asks a yes/no question, no by default; only "y" or "yes"
// agrees.
func confirm(in io.Reader, out io.Writer, question string) bool {
	fmt.Fprintf(out, "%s [y/N] ", question)
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && answer == "" {
		fmt.Fprintln(out)
		return false
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return true
	}
	return false
}

func readsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// brokenLab returns the *lab.BrokenError in err, or nil.
func brokenLab(err error) *lab.BrokenError {
	var b *lab.BrokenError
	if errors.As(err, &b) {
		return b
	}
	return nil
}
