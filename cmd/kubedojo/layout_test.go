package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/kubedojo/kubedojo"

// TestImportGraphIsOneWay keeps the README's layout true: data flows one
// way, lessons → lab and checks → session → tui and cmd, and the TUI's
// components stay light. It reads the linked packages of every package
// from go list (golang.org/x/tools is not a dependency).
func TestImportGraphIsOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		deps[strings.TrimPrefix(f[0], module+"/")] = f[1:]
	}
	if len(deps) == 0 {
		t.Fatal("go list found no packages")
	}
	// Each rule: the packages it covers (a tree, or one package) and the
	// trees they must not link.
	rules := []struct {
		pkgs   string
		banned []string
	}{
		{"lessons", []string{module + "/assets", module + "/lab", module + "/checks", module + "/session", module + "/tui", module + "/cmd"}},
		{"checks", []string{module + "/lab", module + "/session", module + "/tui", module + "/cmd"}},
		{"lab", []string{module + "/checks", module + "/session", module + "/tui", module + "/cmd"}},
		{"session", []string{module + "/tui", module + "/cmd"}},
		{"tui", []string{module + "/cmd"}},
		{"tui/components", []string{"sigs.k8s.io/kind"}},
		{"tui/styles", []string{module + "/"}},
	}
	for _, r := range rules {
		covered := 0
		for pkg, linked := range deps {
			if pkg != r.pkgs && !strings.HasPrefix(pkg, r.pkgs+"/") {
				continue
			}
			covered++
			for _, d := range linked {
				for _, b := range r.banned {
					if d == b || strings.HasPrefix(d, strings.TrimSuffix(b, "/")+"/") {
						t.Errorf("%s links %s (%s must not link %s)", pkg, d, r.pkgs, b)
					}
				}
			}
		}
		if covered == 0 {
			t.Errorf("no package under %s: the rule checks nothing", r.pkgs)
		}
	}
}
