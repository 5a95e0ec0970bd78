package lessons

import "strings"

// RenameNamespaces is a deep copy of the exercise in which each of its own
// namespaces is called by another name, to(name): where a class gives
// every learner a copy of the exercise's namespaces ("svc-3" becomes
// "alice-svc-3"). Every string is rewritten the same way — the
// namespace list, the task, hints, manifests, checks (and so their
// messages), the solution and the cleanup — so the exercise stays
// consistent with itself and the learner reads the names they work
// with. A name is replaced only as a whole word (not inside "svc-30" or
// "np-2-ext"); dots and slashes end a word, so "web.svc-3.svc" and
// "svc-3/web" are renamed too. The exercise's id is kept.
func (e *Exercise) RenameNamespaces(to func(string) string) *Exercise {
	names := map[string]string{}
	for _, ns := range e.Namespaces {
		if m := to(ns.Name); m != ns.Name {
			names[ns.Name] = m
		}
	}
	if len(names) == 0 {
		return e.rewrite(rewriter{plain: same, shell: same})
	}
	r := func(s string) string { return renameWords(s, names) }
	return e.rewrite(rewriter{plain: r, shell: r})
}

func same(s string) string { return s }

// nameRune reports whether b continues a Kubernetes name (a DNS label):
// a rename must not split "svc-30" or "np-2-ext".
func nameRune(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_'
}

// renameWords replaces every whole-word occurrence of a key of names in s
// by its value, in one pass (a replacement is never renamed again).
func renameWords(s string, names map[string]string) string {
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		if !nameRune(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && nameRune(s[j]) {
			j++
		}
		if m, ok := names[s[i:j]]; ok {
			b.WriteString(m)
			changed = true
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	if !changed {
		return s
	}
	return b.String()
}
