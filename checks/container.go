package checks

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kubedojo/kubedojo/lessons"
)

func init() {
	register("container", kindOf[*lessons.ContainerCheck]{
		Eval: (*evaluation).evalContainer,
		Deps: func(dc *depCollector, c *lessons.ContainerCheck) { dc.ref(c.Object) },
	})
}

// podSpecPath is where each kind keeps its pod spec.
func podSpecPath(kind string) []string {
	switch kind {
	case "Pod":
		return []string{"spec"}
	case "CronJob":
		return []string{"spec", "jobTemplate", "spec", "template", "spec"}
	}
	return []string{"spec", "template", "spec"}
}

// podSpecOf returns the pod spec map of a pod or workload.
func podSpecOf(obj *unstructured.Unstructured) map[string]any {
	spec, _, _ := unstructured.NestedMap(obj.Object, podSpecPath(obj.GetKind())...)
	return spec
}

func containerList(spec map[string]any, field string) []map[string]any {
	raw, _ := spec[field].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		if m, ok := r.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func findContainer(list []map[string]any, name string) map[string]any {
	for _, c := range list {
		if c["name"] == name {
			return c
		}
	}
	return nil
}

func containerNames(list []map[string]any) string {
	names := make([]string, 0, len(list))
	for _, c := range list {
		names = append(names, fmt.Sprint(c["name"]))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// resolveNamedPorts returns a copy of a probe (or any handler map) with
// named ports replaced by the container's matching port numbers, so an
// expected port 80 matches port "http".
func resolveNamedPorts(v any, ports map[string]int64) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if k == "port" {
				if name, ok := x.(string); ok {
					if n, ok := ports[name]; ok {
						out[k] = n
						continue
					}
				}
			}
			out[k] = resolveNamedPorts(x, ports)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = resolveNamedPorts(x, ports)
		}
		return out
	}
	return v
}

func namedPorts(c map[string]any) map[string]int64 {
	out := map[string]int64{}
	for _, p := range toSlice(c["ports"]) {
		pm, _ := p.(map[string]any)
		name, _ := pm["name"].(string)
		if n, ok := toInt(pm["containerPort"]); ok && name != "" {
			out[name] = n
		}
	}
	return out
}

func toSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func toInt(v any) (int64, bool) {
	switch t := normalizeNumber(v).(type) {
	case float64:
		return int64(t), true
	}
	return 0, false
}

func sameArgv(want []string, got []any) bool {
	w := make([]any, len(want))
	for i, s := range want {
		w[i] = s
	}
	return argvEqual(w, got)
}

func (ev *evaluation) evalContainer(ctx context.Context, cc *lessons.ContainerCheck) (bool, string, error) {
	t, obj, err := ev.object(ctx, cc.Object)
	if err != nil {
		return false, "", err
	}
	if obj == nil {
		return false, ev.notFound(t), nil
	}
	spec := podSpecOf(obj)
	where := objName(t, obj)
	field, other := "containers", "initContainers"
	if cc.Init {
		field, other = other, field
	}
	c := findContainer(containerList(spec, field), cc.Name)
	if c == nil {
		if findContainer(containerList(spec, other), cc.Name) != nil {
			return false, fmt.Sprintf("%s: %s is listed under %s, expected under %s", where, cc.Name, other, field), nil
		}
		return false, fmt.Sprintf("%s has no %s entry named %s (found: %s)", where, strings.TrimSuffix(field, "s"), cc.Name, containerNames(containerList(spec, field))), nil
	}
	in := fmt.Sprintf("container %s of %s", cc.Name, where)
	if cc.Image != "" && c["image"] != cc.Image {
		return false, fmt.Sprintf("%s uses image %s, expected %q", in, lessons.FormatValue(c["image"]), cc.Image), nil
	}
	for _, argv := range []struct {
		name string
		want []string
	}{{"command", cc.Command}, {"args", cc.Args}} {
		if len(argv.want) > 0 && !sameArgv(argv.want, toSlice(c[argv.name])) {
			return false, fmt.Sprintf("%s has %s %s, expected %s", in, argv.name, lessons.FormatValue(c[argv.name]), lessons.FormatValue(argv.want)), nil
		}
	}
	if len(cc.Ports) > 0 {
		declared := map[int64]bool{}
		for _, p := range toSlice(c["ports"]) {
			pm, _ := p.(map[string]any)
			if n, ok := toInt(pm["containerPort"]); ok {
				declared[n] = true
			}
		}
		for _, p := range cc.Ports {
			if !declared[int64(p)] {
				return false, fmt.Sprintf("%s does not declare containerPort %d", in, p), nil
			}
		}
	}
	if len(cc.Env) > 0 {
		if ok, why := matchEnv(cc.Env, toSlice(c["env"])); !ok {
			return false, in + ": " + why, nil
		}
	}
	ports := namedPorts(c)
	subsets := []struct {
		name string
		want any
	}{
		{"envFrom", listOfMaps(cc.EnvFrom)}, {"resources", mapOrNil(cc.Resources)},
		{"livenessProbe", mapOrNil(cc.LivenessProbe)}, {"readinessProbe", mapOrNil(cc.ReadinessProbe)},
		{"startupProbe", mapOrNil(cc.StartupProbe)}, {"volumeMounts", listOfMaps(cc.VolumeMounts)},
		{"securityContext", mapOrNil(cc.SecurityContext)}, {"lifecycle", mapOrNil(cc.Lifecycle)},
	}
	for _, s := range subsets {
		if s.want == nil {
			continue
		}
		got, present := c[s.name]
		if !present {
			return false, fmt.Sprintf("%s has no %s; expected %s", in, s.name, lessons.FormatValue(s.want)), nil
		}
		if ok, d := subset(s.want, resolveNamedPorts(got, ports), s.name); !ok {
			return false, in + ": " + d.String(), nil
		}
	}
	if cc.RestartPolicy != "" && c["restartPolicy"] != cc.RestartPolicy {
		return false, fmt.Sprintf("%s has restartPolicy %s, expected %s", in, lessons.FormatValue(c["restartPolicy"]), cc.RestartPolicy), nil
	}
	for _, f := range cc.Absent {
		if _, present := c[f]; present {
			return false, fmt.Sprintf("%s still has %s", in, f), nil
		}
	}
	return true, "", nil
}

func mapOrNil(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

func listOfMaps(l []map[string]any) any {
	if len(l) == 0 {
		return nil
	}
	out := make([]any, len(l))
	for i, m := range l {
		out[i] = m
	}
	return out
}

// matchEnv checks env vars by name: a string means a literal value, a map
// is matched as a subset of the env entry (valueFrom…).
func matchEnv(want map[string]any, env []any) (bool, string) {
	byName := map[string]map[string]any{}
	for _, e := range env {
		if m, ok := e.(map[string]any); ok {
			byName[fmt.Sprint(m["name"])] = m
		}
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		entry, ok := byName[n]
		if !ok {
			return false, fmt.Sprintf("env %s is not set", n)
		}
		switch w := normalizeNumber(want[n]).(type) {
		case map[string]any:
			if ok, d := subset(w, entry, "env "+n); !ok {
				return false, d.String()
			}
		default:
			if _, from := entry["valueFrom"]; from {
				return false, fmt.Sprintf("env %s comes from %s, expected the value %s", n, lessons.FormatValue(entry["valueFrom"]), lessons.FormatValue(w))
			}
			if !valuesEqual(w, entry["value"], compareOpts{}) {
				return false, fmt.Sprintf("env %s is %s, expected %s", n, lessons.FormatValue(entry["value"]), lessons.FormatValue(w))
			}
		}
	}
	return true, ""
}
