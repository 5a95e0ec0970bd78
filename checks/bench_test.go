package checks

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/checks/result"
	"github.com/kubedojo/kubedojo/lessons"
)

// BenchmarkWatchLatency measures the time from a change in the cluster (a
// ConfigMap update acknowledged by the API server) to the re-evaluated
// report, on envtest. It reports p50/p95 in ms.
func BenchmarkWatchLatency(b *testing.B) {
	fx, _ := watchFixture(b)
	fx.apply(`{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {n: "0"}}`)
	ex := &lessons.Exercise{ID: "bench/watch", Namespaces: []lessons.Namespace{{Name: fx.ns}}}
	for i := 0; i < 10; i++ {
		ex.Checks = append(ex.Checks, lessons.Check{ID: fmt.Sprint("c", i), Field: &lessons.FieldCheck{
			Object: lessons.ObjectRef{Kind: "ConfigMap", Name: "settings"}, Path: ".data.n", Expect: lessons.Expect{Exists: ptr(true)},
		}})
	}
	reports := make(chan result.Report, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewGrader(fx.env).Watch(ctx, ex, func(r result.Report) { reports <- r }) }()
	defer func() { cancel(); <-done }()
	<-reports
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fx.apply(fmt.Sprintf(`{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {n: "%d"}}`, i+1))
		start := time.Now()
		<-reports
		lat = append(lat, time.Since(start))
		// Let the debounce window pass so every change is measured alone.
		time.Sleep(60 * time.Millisecond)
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkEvaluateTenChecks measures one headless evaluation of a
// 10-check exercise (live reads, in parallel) on envtest.
func BenchmarkEvaluateTenChecks(b *testing.B) {
	fx := newAPIFixture(b)
	fx.apply(fmt.Sprintf(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: answers}
data: {ns: %s}
`, fx.ns))
	checks := []string{
		`{exists: Deployment/web}`,
		`{field: {object: Deployment/web, path: .spec.replicas, equals: 2}}`,
		`{container: {object: Deployment/web, name: web, image: nginx:1.27, ports: [80]}}`,
		`{service: {name: web, port: 80, targetPort: 80}}`,
		`{answer: {key: ns, equals: ` + fx.ns + `}}`,
		`{absent: Deployment/api}`,
		`{field: {object: Service/web, path: .spec.type, equals: ClusterIP}}`,
		`{access: {user: jane, denied: ["list pods in ` + fx.ns + `"]}}`,
		`{condition: {object: Deployment/web, type: Progressing, status: "False"}}`,
		`{allOf: [{exists: Service/web}, {exists: ConfigMap/answers}]}`,
	}
	ex := &lessons.Exercise{ID: "bench/eval", Namespaces: []lessons.Namespace{{Name: fx.ns}}}
	for i, c := range checks {
		pc := parseCheckTB(b, c)
		pc.ID = fmt.Sprint("c", i)
		ex.Checks = append(ex.Checks, pc)
	}
	g := NewGrader(fx.env)
	g.Evaluate(context.Background(), ex) // warm discovery
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep := g.Evaluate(context.Background(), ex)
		if rep.HasErrors() {
			b.Fatalf("errors: %+v", rep.Results)
		}
	}
}

// BenchmarkIdleRequests watches an exercise for 60 s without changes and
// reports the API requests made beyond the watches (the target is 0).
func BenchmarkIdleRequests(b *testing.B) {
	if b.N > 1 {
		b.Skip("one 60 s run is the measurement")
	}
	fx, counter := watchFixture(b)
	ex := fx.exercise2(b, `{exists: ConfigMap/settings}`, `{access: {user: jane, denied: ["list pods"]}}`, `{answer: {key: k, equals: v}}`)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- NewGrader(fx.env).Watch(ctx, ex, func(result.Report) {
			select {
			case first <- struct{}{}:
			default:
			}
		})
	}()
	<-first
	// Failing volatile checks are retried for a while after the last
	// change; idle starts when that window closes.
	time.Sleep(volatileWindow + retryMax)
	before := counter.requests.Load()
	time.Sleep(60 * time.Second)
	b.ReportMetric(float64(counter.requests.Load()-before), "idle-requests/60s")
	cancel()
	<-done
}

func (fx *apiFixture) exercise2(tb testing.TB, checks ...string) *lessons.Exercise {
	ex := &lessons.Exercise{ID: "test/" + fx.ns, Namespaces: []lessons.Namespace{{Name: fx.ns}}}
	for i, c := range checks {
		parsed := parseCheckTB(tb, c)
		parsed.ID = fmt.Sprintf("c%d", i)
		ex.Checks = append(ex.Checks, parsed)
	}
	return ex
}
