package lessons

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/util/jsonpath"
)

var (
	idRE       = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	fileModeRE = regexp.MustCompile(`^0?[0-7]{3}$`)
)

func validID(s string) bool { return idRE.MatchString(s) }

func validateCourse(r reporter, pos positions, c *Course) {
	switch {
	case c.Format == "":
		r.add(pos.line(""), "format", "is required; write %q", FormatV1)
	case c.Format != FormatV1:
		r.add(pos.line("format"), "format", "unsupported pack format %q; this kubedojo reads %q", c.Format, FormatV1)
	}
	requireID(r, pos, "id", c.ID)
	require(r, pos, "title", c.Title)
	require(r, pos, "version", c.Version)
	for i, img := range c.Images {
		f := indexPath("images", i)
		if msg := imageProblem(img); msg != "" {
			r.add(pos.line(f), f, "%s", msg)
		}
	}
	if len(c.Tracks) == 0 {
		r.add(pos.line(""), "tracks", "a course needs at least one track")
	}
	if e := c.Exam; e != nil {
		if e.Duration.Duration <= 0 {
			r.add(pos.line("exam"), "exam.duration", "is required (for example 2h)")
		}
		if e.PassMark < 1 || e.PassMark > 100 {
			r.add(pos.line("exam"), "exam.passMark", "must be a percentage between 1 and 100 (found %d)", e.PassMark)
		}
		if e.Tasks < 1 {
			r.add(pos.line("exam"), "exam.tasks", "say how many tasks one exam draws (found %d)", e.Tasks)
		}
		if e.MaxBreaking < 0 {
			r.add(pos.line("exam.maxBreaking"), "exam.maxBreaking", "cannot be negative (omit it for %d)", DefaultMaxBreaking)
		}
	}
	trackIDs := map[string]bool{}
	lessonIDs := map[string]string{}
	for ti, t := range c.Tracks {
		tf := indexPath("tracks", ti)
		if t == nil {
			r.add(pos.line(tf), tf, "empty track")
			continue
		}
		if requireID(r, pos, tf+".id", t.ID) {
			if trackIDs[t.ID] {
				r.add(pos.line(tf+".id"), tf+".id", "duplicate track id %q", t.ID)
			}
			trackIDs[t.ID] = true
		}
		require(r, pos, tf+".title", t.Title)
		if len(t.Lessons) == 0 {
			r.add(pos.line(tf), tf+".lessons", "a track needs at least one lesson")
		}
		for li, l := range t.Lessons {
			lf := indexPath(tf+".lessons", li)
			if l == nil {
				r.add(pos.line(lf), lf, "empty lesson")
				continue
			}
			if requireID(r, pos, lf+".id", l.ID) {
				if prev, dup := lessonIDs[l.ID]; dup {
					r.add(pos.line(lf+".id"), lf+".id", "duplicate lesson id %q (also %s)", l.ID, prev)
				}
				lessonIDs[l.ID] = lf
			}
			require(r, pos, lf+".title", l.Title)
			switch {
			case l.Domain == "":
				r.add(pos.line(lf), lf+".domain", "is required (one of %s)", domainList())
			case !l.Domain.valid():
				r.add(pos.line(lf+".domain"), lf+".domain", "unknown CKA domain %q (one of %s)", l.Domain, domainList())
			}
			if len(l.ExerciseNames) == 0 {
				r.add(pos.line(lf), lf+".exercises", "list the lesson's exercises in order")
			}
		}
	}
}

func domainList() string {
	s := make([]string, len(Domains))
	for i, d := range Domains {
		s[i] = string(d)
	}
	return strings.Join(s, ", ")
}

func tierList() string {
	s := make([]string, len(Tiers))
	for i, t := range Tiers {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func require(r reporter, pos positions, field, v string) bool {
	if strings.TrimSpace(v) == "" {
		r.add(pos.line(field), field, "is required")
		return false
	}
	return true
}

func requireID(r reporter, pos positions, field, v string) bool {
	if !require(r, pos, field, v) {
		return false
	}
	if !validID(v) {
		r.add(pos.line(field), field, "%q is not a valid id (lower-case letters, digits and dashes)", v)
		return false
	}
	return true
}

// imageProblem explains why an image reference cannot be preloaded.
func imageProblem(img string) string {
	if img == "" {
		return "empty image reference"
	}
	if msg := imageNameProblem(img); msg != "" {
		return msg
	}
	if strings.Contains(img, "@") {
		return ""
	}
	last := img[strings.LastIndex(img, "/")+1:]
	_, tag, ok := strings.Cut(last, ":")
	switch {
	case !ok:
		return fmt.Sprintf("image %q has no tag; pin one (untagged means :latest, which is always pulled)", img)
	case tag == "latest":
		return fmt.Sprintf("image %q uses :latest, which is always pulled; pin a version", img)
	}
	return ""
}

func validateQuiz(r reporter, pos positions, q *Quiz) {
	if len(q.Questions) == 0 {
		r.add(pos.line(""), "questions", "a quiz needs at least one question")
	}
	ids := map[string]bool{}
	for i, question := range q.Questions {
		f := indexPath("questions", i)
		if question == nil {
			r.add(pos.line(f), f, "empty question")
			continue
		}
		if requireID(r, pos, f+".id", question.ID) {
			if ids[question.ID] {
				r.add(pos.line(f+".id"), f+".id", "duplicate question id %q", question.ID)
			}
			ids[question.ID] = true
		}
		require(r, pos, f+".question", question.Question)
		require(r, pos, f+".explanation", question.Explanation)
		validateCompetency(r, pos, f+".competency", question.Competency)
		if len(question.Choices) < 2 {
			r.add(pos.line(f), f+".choices", "a question needs at least two choices")
		}
		correct := 0
		for j, c := range question.Choices {
			require(r, pos, indexPath(f+".choices", j)+".text", c.Text)
			if c.Correct {
				correct++
			}
		}
		switch {
		case correct == 0 && len(question.Choices) > 0:
			r.add(pos.line(f+".choices"), f+".choices", "no choice is marked correct: true")
		case correct > 1:
			r.add(pos.line(f+".choices"), f+".choices", "%d choices are marked correct; exactly one must be", correct)
		}
	}
}

// validateCompetency rejects an id that names no CKA competency; empty
// is allowed (the field is optional wherever it appears).
func validateCompetency(r reporter, pos positions, field, id string) {
	if id == "" {
		return
	}
	if _, ok := CompetencyByID(id); ok {
		return
	}
	msg := fmt.Sprintf("unknown CKA competency %q", id)
	if near := closest(id, competencyIDs()); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	r.add(pos.line(field), field, "%s; known: %s", msg, competencyList())
}

// exerciseLint carries what validating one exercise needs.
type exerciseLint struct {
	fsys       fs.FS
	r          reporter
	pos        positions
	ex         *Exercise
	namespaces map[string]bool
	answerKeys map[string]bool
	checkedKey map[string]bool
	// pool is true in an exam pool, whose tasks carry weights and points.
	pool bool
}

func validateExercise(fsys fs.FS, r reporter, pos positions, ex *Exercise, raw string, pool bool) {
	v := &exerciseLint{fsys: fsys, r: r, pos: pos, ex: ex, namespaces: map[string]bool{}, answerKeys: map[string]bool{}, checkedKey: map[string]bool{}, pool: pool}
	require(r, pos, "title", ex.Title)
	switch {
	case ex.Tier == "":
		r.add(pos.line(""), "tier", "is required (one of %s)", tierList())
	case ex.Tier.Rank() < 0:
		r.add(pos.line("tier"), "tier", "unknown tier %q (one of %s)", ex.Tier, tierList())
	}
	if ex.Tier == TierAddon && ex.Addon == "" {
		r.add(pos.line("tier"), "addon", "tier addon needs the addon field naming what the exercise needs")
	}
	if ex.Domain != "" && !ex.Domain.valid() {
		r.add(pos.line("domain"), "domain", "unknown CKA domain %q (one of %s)", ex.Domain, domainList())
	}
	validateCompetency(r, pos, "competency", ex.Competency)
	switch {
	case pool && ex.Weight == 0:
		r.add(pos.line(""), "weight", "an exam task needs a weight (1–20), shown to the learner as its share of the exam")
	case pool && (ex.Weight < 1 || ex.Weight > 20):
		r.add(pos.line("weight"), "weight", "must be between 1 and 20 (found %d)", ex.Weight)
	case !pool && ex.Weight != 0:
		r.add(pos.line("weight"), "weight", "only exam tasks have a weight (add exam: to course.yaml to make the pack an exam pool)")
	}
	v.breaks()
	if ex.Workers < 0 {
		r.add(pos.line("workers"), "workers", "cannot be negative")
	}
	if require(r, pos, "task", ex.Task) && ex.Lesson != nil {
		checkMarkdown(fsys, r, ex.Lesson.Dir, ex.Task, pos.line("task")+1, "task")
	}
	for i, ns := range ex.Namespaces {
		f := indexPath("namespaces", i)
		if !validID(ns.Name) {
			r.add(pos.line(f), f, "%q is not a valid namespace name", ns.Name)
			continue
		}
		if v.namespaces[ns.Name] {
			r.add(pos.line(f), f, "namespace %q is listed twice", ns.Name)
		}
		if isSystemNamespace(ns.Name) {
			r.add(pos.line(f), f, "namespace %q belongs to the cluster; an exercise cannot own it", ns.Name)
		}
		v.namespaces[ns.Name] = true
	}
	v.podSecurity()
	v.readNamespaces()
	for i, a := range ex.Answers {
		f := indexPath("answers", i)
		require(r, pos, f+".key", a.Key)
		require(r, pos, f+".description", a.Description)
		if v.answerKeys[a.Key] {
			r.add(pos.line(f+".key"), f+".key", "answer key %q is listed twice", a.Key)
		}
		v.answerKeys[a.Key] = true
	}
	for i := range ex.Setup {
		v.step(indexPath("setup", i), &ex.Setup[i], true)
	}
	if len(ex.Checks) == 0 {
		r.add(pos.line(""), "checks", "an exercise needs at least one check")
	}
	ids := map[string]bool{}
	for i := range ex.Checks {
		f := indexPath("checks", i)
		c := &ex.Checks[i]
		if requireID(r, pos, f+".id", c.ID) {
			if ids[c.ID] {
				r.add(pos.line(f+".id"), f+".id", "duplicate check id %q", c.ID)
			}
			ids[c.ID] = true
		}
		require(r, pos, f+".title", c.Title)
		require(r, pos, f+".message", c.Message)
		if c.Points < 0 {
			r.add(pos.line(f+".points"), f+".points", "cannot be negative")
		}
		v.check(f, c)
	}
	for _, a := range ex.Answers {
		if !v.checkedKey[a.Key] {
			r.add(pos.line("answers"), "answers", "answer key %q is never checked", a.Key)
		}
	}
	switch {
	case len(ex.Hints) < 2:
		r.add(pos.line("hints"), "hints", "give 2 or 3 progressive hints (found %d)", len(ex.Hints))
	case len(ex.Hints) > 3:
		r.add(pos.line("hints"), "hints", "give 2 or 3 progressive hints (found %d); fold the rest into the task", len(ex.Hints))
	}
	for i, h := range ex.Hints {
		require(r, pos, indexPath("hints", i), h)
	}
	if len(ex.Solution.Steps) == 0 {
		r.add(pos.line("solution"), "solution.steps", "a reference solution is required")
	}
	for i := range ex.Solution.Steps {
		v.step(indexPath("solution.steps", i), &ex.Solution.Steps[i], false)
	}
	for i, c := range ex.Cleanup {
		f := indexPath("cleanup", i)
		if c.actionCount() != 1 {
			r.add(pos.line(f), f, "a cleanup step needs exactly one of delete, restore, node, nodeLabel, nodeTaint, kubeconfig")
			continue
		}
		for _, ref := range []*ObjectRef{c.Delete, c.Restore} {
			if ref != nil {
				v.objectRef(f, *ref, true)
			}
		}
		if c.Delete != nil {
			v.deleteScope(f+".delete", *c.Delete)
		}
		if c.Node != "" {
			v.shellScript(f+".node", c.Node)
		}
		if c.Node != "" && !ex.Tier.Includes(TierNodeAccess) {
			r.add(pos.line(f), f+".node", "node commands need tier node-access")
		}
		v.onNode(f, c.OnNode, c.Node != "", c.Action())
		if c.Kubeconfig != "" && c.Kubeconfig != "restore" {
			r.add(pos.line(f+".kubeconfig"), f+".kubeconfig", "the only kubeconfig cleanup is \"restore\"")
		}
	}
	lineNo := 1
	for _, line := range strings.Split(raw, "\n") {
		for _, name := range unknownTemplateVars(line) {
			r.add(lineNo, "", "unknown template variable {{%s}} (known: {{%s}})", name, strings.Join(TemplateVars, "}}, {{"))
		}
		lineNo++
	}
}

// breaks checks the components an exclusive task names: known ones, each
// once, and only on a task that is exclusive (verify runs such a task
// alone, as the exam draw keeps it apart).
func (v *exerciseLint) breaks() {
	r, pos, ex := v.r, v.pos, v.ex
	if len(ex.Breaks) > 0 && !ex.Exclusive {
		r.add(pos.line("breaks"), "breaks", "a task that breaks a shared component changes the whole cluster: mark it exclusive: true")
	}
	seen := map[string]bool{}
	for i, c := range ex.Breaks {
		f := indexPath("breaks", i)
		if _, ok := Components[c]; !ok {
			msg := fmt.Sprintf("unknown component %q", c)
			if near := closest(c, ComponentNames()); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			}
			r.add(pos.line(f), f, "%s; known: %s", msg, componentList())
			continue
		}
		if seen[c] {
			r.add(pos.line(f), f, "component %q is listed twice", c)
		}
		seen[c] = true
	}
}

func isSystemNamespace(ns string) bool {
	switch ns {
	case "default", "kube-system", "kube-public", "kube-node-lease", "local-path-storage":
		return true
	}
	return false
}

func (v *exerciseLint) step(f string, s *Step, setup bool) {
	r, pos := v.r, v.pos
	if s.actionCount() != 1 {
		r.add(pos.line(f), f, "a step needs exactly one of apply, delete, wait, run, node, file, tls, nodeLabel, nodeTaint")
		return
	}
	v.onNode(f, s.OnNode, s.Node != "", s.Action())
	if (s.NodeLabel != nil || s.NodeTaint != nil) && !setup {
		k := f + "." + s.Action()
		r.add(pos.line(k), k, "a reference solution does what the learner does: label or taint nodes with kubectl in a run step")
		return
	}
	switch {
	case s.Apply != "":
		v.manifests(f+".apply", s.Apply)
	case s.Delete != nil:
		v.objectRef(f+".delete", *s.Delete, true)
		v.deleteScope(f+".delete", *s.Delete)
	case s.Wait != nil:
		if s.Wait.Timeout.Duration == 0 {
			r.add(pos.line(f+".wait"), f+".wait.timeout", "is required (how long to wait at most)")
		}
		v.check(f+".wait", &s.Wait.Check)
	case s.Run != "":
		v.shellScript(f+".run", s.Run)
		if setup {
			r.add(pos.line(f+".run"), f+".run", "start states cannot run shell commands (the learner may have no kubectl yet); use apply, delete, wait, file, tls or node")
		}
	case s.Node != "":
		v.shellScript(f+".node", s.Node)
		if !v.ex.Tier.Includes(TierNodeAccess) && setup {
			r.add(pos.line(f+".node"), f+".node", "node commands need tier node-access")
		}
	case s.File != nil:
		require(r, pos, f+".file.path", s.File.Path)
		v.labFilePath(f+".file.path", "files", s.File.Path)
		if s.File.Mode != "" && !fileModeRE.MatchString(s.File.Mode) {
			r.add(pos.line(f+".file.mode"), f+".file.mode", "%q is not an octal mode such as 0644", s.File.Mode)
		}
	case s.TLS != nil:
		for _, p := range []struct{ name, val string }{{"cert", s.TLS.Cert}, {"key", s.TLS.Key}, {"host", s.TLS.Host}} {
			require(r, pos, f+".tls."+p.name, p.val)
		}
		v.tlsPaths(f+".tls", s.TLS)
	case s.NodeLabel != nil:
		k := f + ".nodeLabel"
		v.nodeName(k+".node", s.NodeLabel.Node)
		if len(s.NodeLabel.Labels) == 0 {
			r.add(pos.line(k+".labels"), k+".labels", "give at least one label")
		}
		keys := make([]string, 0, len(s.NodeLabel.Labels))
		for key := range s.NodeLabel.Labels {
			keys = append(keys, key)
		}
		slices.Sort(keys)
		for _, key := range keys {
			v.labelPair(k+".labels", "label "+key, key, s.NodeLabel.Labels[key])
		}
	case s.NodeTaint != nil:
		k := f + ".nodeTaint"
		v.nodeName(k+".node", s.NodeTaint.Node)
		if len(s.NodeTaint.Taints) == 0 {
			r.add(pos.line(k+".taints"), k+".taints", "give at least one taint")
		}
		seen := map[string]bool{}
		for i, t := range s.NodeTaint.Taints {
			ti := indexPath(k+".taints", i)
			if require(r, pos, ti+".key", t.Key) {
				v.labelPair(ti, "taint "+t.Key, t.Key, t.Value)
			}
			switch t.Effect {
			case "NoSchedule", "PreferNoSchedule", "NoExecute":
			case "":
				r.add(pos.line(ti), ti+".effect", "is required (NoSchedule, PreferNoSchedule or NoExecute)")
			default:
				r.add(pos.line(ti+".effect"), ti+".effect", "unknown taint effect %q (NoSchedule, PreferNoSchedule or NoExecute)", t.Effect)
			}
			id := t.Key + ":" + t.Effect
			if seen[id] {
				r.add(pos.line(ti), ti, "taint %s is listed twice (a node has one taint per key and effect)", id)
			}
			seen[id] = true
		}
	}
}

// nodeName checks the node a step changes: {{NODE}}, {{WORKER}} (which
// needs a worker) or a literal node name.
// onNode checks the node a step runs in: only node steps have one.
func (v *exerciseLint) onNode(f, on string, isNode bool, action string) {
	switch {
	case on == "":
	case !isNode:
		v.r.add(v.pos.line(f+".onNode"), f+".onNode", "only node steps run inside a node (this step is %s)", action)
	default:
		v.nodeName(f+".onNode", on)
	}
}

func (v *exerciseLint) nodeName(f, node string) {
	switch {
	case node == "":
		v.r.add(v.pos.line(f), f, "is required ({{NODE}} or {{WORKER}})")
	case node == "{{WORKER}}":
		if v.ex.Workers < 1 {
			v.r.add(v.pos.line(f), f, "{{WORKER}} needs workers: 1 (or more) on the exercise")
		}
	case node == "{{NODE}}":
	case len(validation.IsDNS1123Subdomain(node)) > 0:
		v.r.add(v.pos.line(f), f, "%q is neither {{NODE}}, {{WORKER}} nor a valid node name", node)
	}
}

// labelPair checks a label's or taint's key and value by the API server's
// rules, with a short reminder of them rather than its regular expressions.
func (v *exerciseLint) labelPair(f, what, key, value string) {
	if len(validation.IsQualifiedName(key)) > 0 {
		v.r.add(v.pos.line(f), f, "%q is not a valid %s key ([prefix/]name: a name of up to 63 letters, digits, '-', '_' or '.', "+
			"beginning and ending with a letter or digit, after an optional DNS subdomain prefix)", key, strings.Fields(what)[0])
	}
	if len(validation.IsValidLabelValue(value)) > 0 {
		v.r.add(v.pos.line(f), f, "%s: %q is not a valid value (up to 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit)", what, value)
	}
}

func (v *exerciseLint) manifests(f, text string) {
	base := v.pos.line(f)
	docs, errs := ParseManifests(SampleVars.Expand(text))
	for _, e := range errs {
		field := f
		if e.Field != "" {
			field += ": " + e.Field
		}
		v.r.add(base+e.Line, field, "%s", e.Message)
	}
	v.takeovers(f, base, docs)
	v.podSecurityOf(f, base, docs)
	for _, d := range docs {
		ns := d.Object.GetNamespace()
		kind := d.Object.GetKind()
		if ClusterScoped(kind) {
			if ns != "" {
				v.r.add(base+d.Line, f, "%s %s is cluster-scoped and cannot have a namespace", kind, d.Object.GetName())
			}
			continue
		}
		if ns != "" && !v.namespaces[ns] {
			v.r.add(base+d.Line, f, "%s %s is in namespace %q, which the exercise does not own (list it under namespaces)", kind, d.Object.GetName(), ns)
		}
		if ns == "" && len(v.ex.Namespaces) == 0 {
			v.r.add(base+d.Line, f, "%s %s needs a namespace: the exercise owns none", kind, d.Object.GetName())
		}
	}
}

func (v *exerciseLint) objectRef(f string, ref ObjectRef, needName bool) {
	r, pos := v.r, v.pos
	if ref.Kind == "" {
		r.add(pos.line(f), f+".kind", "is required")
		return
	}
	if _, ok := ref.ResolveGVK(); !ok {
		if ref.APIVersion != "" {
			r.add(pos.line(f), f+".apiVersion", "%q is not a valid apiVersion", ref.APIVersion)
		} else {
			r.add(pos.line(f), f+".kind", "unknown kind %q; give apiVersion for custom resources", ref.Kind)
		}
	}
	if needName && ref.Name == "" {
		r.add(pos.line(f), f+".name", "is required here")
	}
	if ref.Selector != "" {
		v.selector(f+".selector", ref.Selector)
	}
	v.namespaceOf(f, ref.Kind, ref.Namespace)
}

// namespaceOf checks that a namespaced object can get a namespace.
func (v *exerciseLint) namespaceOf(f, kind, ns string) {
	if ClusterScoped(kind) {
		if ns != "" {
			v.r.add(v.pos.line(f), f+".namespace", "%s is cluster-scoped; drop the namespace", kind)
		}
		return
	}
	if ns == "" && len(v.ex.Namespaces) == 0 && kind != "" {
		v.r.add(v.pos.line(f), f+".namespace", "is required: the exercise owns no namespace")
	}
}

func (v *exerciseLint) selector(f, s string) {
	if _, err := labels.Parse(s); err != nil {
		v.r.add(v.pos.line(f), f, "invalid label selector %q: %v", s, err)
	}
}

func (v *exerciseLint) jsonPath(f, p string) {
	if strings.TrimSpace(p) == "" {
		v.r.add(v.pos.line(f), f, "is required")
		return
	}
	if _, err := ParseJSONPath(p); err != nil {
		v.r.add(v.pos.line(f), f, "invalid JSONPath %q: %v", p, err)
	}
}

// ParseJSONPath parses a kubectl JSONPath, with or without braces.
func ParseJSONPath(p string) (*jsonpath.JSONPath, error) {
	jp := jsonpath.New("check").AllowMissingKeys(true)
	if err := jp.Parse(NormalizeJSONPath(p)); err != nil {
		return nil, err
	}
	return jp, nil
}

// NormalizeJSONPath wraps a bare path in braces.
func NormalizeJSONPath(p string) string {
	p = strings.TrimSpace(p)
	if !strings.HasPrefix(p, "{") {
		p = "{" + p + "}"
	}
	return p
}

func (v *exerciseLint) expect(f string, e *Expect, required bool) {
	if e.IsZero() {
		if required {
			v.r.add(v.pos.line(f), f, "needs a comparison (equals, oneOf, contains, matches, includes, equalsSet, has, exists, count, …)")
		}
		return
	}
	if e.Matches != "" {
		if _, err := regexp.Compile(e.Matches); err != nil {
			v.r.add(v.pos.line(f+".matches"), f+".matches", "invalid regular expression: %v", err)
		}
	}
	for _, val := range e.Values() {
		if val != nil && val.From != nil {
			v.objectRef(f, val.From.Object, true)
			v.jsonPath(f, val.From.Path)
		}
	}
}

// Values returns every expected value the operators hold (nil for unset
// operators), so callers can find live values.
func (e *Expect) Values() []*Value {
	out := []*Value{e.Equals, e.NotEquals, e.Contains, e.NotContains, e.GreaterThan, e.AtLeast, e.LessThan, e.AtMost}
	for _, list := range [][]Value{e.OneOf, e.Includes, e.Excludes, e.EqualsSet} {
		for i := range list {
			out = append(out, &list[i])
		}
	}
	return out
}

func (v *exerciseLint) needTier(f, what string, t Tier) {
	if v.ex.Tier.Rank() >= 0 && !v.ex.Tier.Includes(t) {
		v.r.add(v.pos.line(f), f, "%s needs tier %s or higher (the exercise is %s)", what, t, v.ex.Tier)
	}
}

func (v *exerciseLint) podRef(f string, p PodRef) {
	n := 0
	if p.Name != "" {
		n++
	}
	if p.Selector != "" {
		n++
		v.selector(f+".selector", p.Selector)
	}
	if p.Object != nil {
		n++
		v.objectRef(f+".object", *p.Object, true)
	}
	if n != 1 {
		v.r.add(v.pos.line(f), f, "name exactly one of a pod name, a selector or an object")
	}
	v.namespaceOf(f, "Pod", p.Namespace)
}

var markdownImageRE = regexp.MustCompile(`!\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)

// checkMarkdown reports images that a Markdown text references but the
// pack does not contain. firstLine is the text's first line in its file.
func checkMarkdown(fsys fs.FS, r reporter, dir, text string, firstLine int, field string) {
	for i, line := range strings.Split(text, "\n") {
		for _, m := range markdownImageRE.FindAllStringSubmatch(line, -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "data:") {
				r.add(firstLine+i, field, "image %s is remote; the lab works offline, so ship it in the pack", target)
				continue
			}
			if outsideThePack(dir, target) {
				r.add(firstLine+i, field, "image %s is outside the pack; ship it in the pack", target)
				continue
			}
			p := path.Clean(path.Join(dir, target))
			if _, err := fs.Stat(fsys, p); err != nil {
				r.add(firstLine+i, field, "image %s is missing (looked for %s)", target, p)
			}
		}
	}
}
