package lessons

import (
	"regexp"
	"sort"
	"strings"
)

// Vars are the template values the lab provides. Task text, manifests,
// checks and solutions may use {{NODE}}, {{NODE_IP}}, {{WORKER}} and {{LAB}}.
type Vars struct {
	// Node is the control-plane node's name.
	Node string
	// NodeIP is that node's InternalIP.
	NodeIP string
	// Worker is the first worker node ("" on single-node clusters).
	Worker string
	// Lab is the learner's lab directory on the host.
	Lab string
}

// TemplateVars lists the variable names a pack may use.
var TemplateVars = []string{"NODE", "NODE_IP", "WORKER", "LAB"}

var templateRE = regexp.MustCompile(`\{\{([A-Z_]+)\}\}`)

// Expand replaces every known {{VAR}} in s. Unknown names are left alone
// (lint reports them), and so is anything that is not all capitals, such as
// Helm's {{ .Release.Name }} in chart files.
func (v Vars) Expand(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	values := v.values()
	return templateRE.ReplaceAllStringFunc(s, func(m string) string {
		if val, ok := values[m[2:len(m)-2]]; ok {
			return val
		}
		return m
	})
}

func (v Vars) values() map[string]string {
	return map[string]string{"NODE": v.Node, "NODE_IP": v.NodeIP, "WORKER": v.Worker, "LAB": v.Lab}
}

// SampleVars are plausible values used when linting, so that manifests with
// template variables parse.
var SampleVars = Vars{Node: "kubedojo-control-plane", NodeIP: "172.18.0.2", Worker: "kubedojo-worker", Lab: "/home/learner/.local/state/kubedojo/lab"}

// unknownTemplateVars returns the {{NAMES}} in s that are not template
// variables, sorted.
func unknownTemplateVars(s string) []string {
	known := map[string]bool{}
	for _, k := range TemplateVars {
		known[k] = true
	}
	seen := map[string]bool{}
	for _, m := range templateRE.FindAllStringSubmatch(s, -1) {
		if !known[m[1]] {
			seen[m[1]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// AnswerRefRE matches {{answer:KEY}} in exec and node commands: the
// learner's answer, substituted at check time.
var AnswerRefRE = regexp.MustCompile(`\{\{answer:([A-Za-z0-9._-]+)\}\}`)
