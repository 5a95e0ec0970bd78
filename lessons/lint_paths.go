package lessons

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// The rules here keep what a pack does to the learner's machine and
// cluster within the exercise: files under {{LAB}}, deletes in the
// exercise's own namespaces, image names that commands cannot mistake for
// options, scripts that parse (so that template values are quoted where
// they are; see Vars.ExpandShell).

// labFilePath checks a path a step writes on the learner's machine. The
// lab refuses paths outside its directory when it runs the step; lint says
// so before, at the line.
func (v *exerciseLint) labFilePath(f, what, p string) {
	switch {
	case p == "":
		return // "is required" is reported with the step
	case !strings.HasPrefix(p, "{{LAB}}/"):
		v.r.add(v.pos.line(f), f, "%s must be written under {{LAB}}/ (found %q)", what, p)
	case slices.Contains(strings.Split(p, "/"), ".."):
		v.r.add(v.pos.line(f), f, "%q has a \"..\" element; write the path inside {{LAB}}/ without \"..\"", p)
	}
}

func (v *exerciseLint) tlsPaths(f string, t *TLSStep) {
	v.labFilePath(f+".cert", "TLS files", t.Cert)
	v.labFilePath(f+".key", "TLS files", t.Key)
}

// deleteScope checks that a delete (in a start state or a cleanup) touches
// only what the exercise owns: objects in its namespaces, its namespaces,
// never a node. Cluster-scoped objects a learner is asked to create (a
// ClusterRole, a CSR) stay deletable by name.
func (v *exerciseLint) deleteScope(f string, ref ObjectRef) {
	switch {
	case ref.Kind == "Node":
		v.r.add(v.pos.line(f+".kind"), f+".kind", "an exercise never deletes a Node (it would not come back); use nodeLabel or nodeTaint")
	case ref.Kind == "Namespace" && ref.Name != "" && !v.namespaces[ref.Name]:
		v.r.add(v.pos.line(f+".name"), f+".name", "deletes namespace %q, which the exercise does not own (list it under namespaces)", ref.Name)
	case ref.Namespace != "" && !ClusterScoped(ref.Kind) && !v.namespaces[ref.Namespace]:
		v.r.add(v.pos.line(f+".namespace"), f+".namespace", "deletes %s %s in namespace %q, which the exercise does not own; an exercise deletes only in its own namespaces (list it under namespaces)",
			ref.Kind, ref.Name, ref.Namespace)
	}
}

// shellScript checks that a script parses as bash: its template values are
// quoted by where they stand in it, which needs its syntax.
func (v *exerciseLint) shellScript(f, script string) {
	_, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(script), "")
	var pe syntax.ParseError
	switch {
	case err == nil:
	case errors.As(err, &pe):
		v.r.add(v.pos.line(f)+int(pe.Pos.Line()), f, "the shell script does not parse: %s (column %d)", pe.Text, pe.Pos.Col())
	default:
		v.r.add(v.pos.line(f), f, "the shell script does not parse: %v", err)
	}
}

// imageNameProblem explains why img is not an image reference commands can
// take as an argument.
func imageNameProblem(img string) string {
	if strings.HasPrefix(img, "-") {
		return fmt.Sprintf("%q is not an image reference (it starts with \"-\", and commands would read it as an option)", img)
	}
	if strings.ContainsFunc(img, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Sprintf("%q is not an image reference (it holds a space or a control character)", img)
	}
	return ""
}

// outsideThePack says whether a path relative to dir, a folder of the
// pack, leads out of the pack.
func outsideThePack(dir, target string) bool {
	p := path.Clean(path.Join(dir, target))
	return path.IsAbs(target) || p == ".." || strings.HasPrefix(p, "../")
}
