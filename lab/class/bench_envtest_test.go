package class

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubedojo/kubedojo/lab/labtest"
	"github.com/kubedojo/kubedojo/tui/common"
	"github.com/kubedojo/kubedojo/tui/keymap"
	"github.com/kubedojo/kubedojo/tui/pages/board"
	"github.com/kubedojo/kubedojo/tui/styles"
)

// countingTransport counts the requests a client makes.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// TestBoardAt200Learners measures the board with 200 simulated learners,
// each changing one exercise's state every 2-4 s for the run
// (KUBEDOJO_CLASS_BENCH=1; KUBEDOJO_CLASS_BENCH_SECONDS, default 60):
// latency from a learner's update to the board page having applied and
// drawn it, the board's API requests per second, and its memory. The
// method and numbers are in docs/class-benchmark.md.
func TestBoardAt200Learners(t *testing.T) {
	if os.Getenv("KUBEDOJO_CLASS_BENCH") == "" {
		t.Skip("set KUBEDOJO_CLASS_BENCH=1 to run the class board benchmark")
	}
	const learners = 200
	secs, _ := strconv.Atoi(os.Getenv("KUBEDOJO_CLASS_BENCH_SECONDS"))
	if secs == 0 {
		secs = 60
	}
	e := labtest.RequireEnvtest(t)
	admin, err := kubernetes.NewForConfig(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rec := &Record{Name: "bench", Created: time.Now(), Expires: time.Now().Add(time.Hour),
		Exercises: []Exercise{{ID: "services/clusterip", Namespaces: []string{"svc-1"}}, {ID: "pods-basics/first-pod", Namespaces: []string{"pod-1"}}}}
	for i := range learners {
		rec.Learners = append(rec.Learners, fmt.Sprintf("l%03d", i))
	}
	// Only what the board reads: the class namespace and the records.
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: Namespace(rec.Name), Labels: classLabels(rec.Name, "", PartClass)}}
	if _, err := admin.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, l := range rec.Learners {
		cm, err := progressRecord(rec, l)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admin.CoreV1().ConfigMaps(ns.Name).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	// The board: its own client (requests counted), the watch, and the
	// TUI page applying and drawing every change.
	counter := &countingTransport{}
	bcfg := rest.CopyConfig(e.Config)
	bcfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { counter.next = rt; return counter })
	bcs, err := kubernetes.NewForConfig(bcfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &common.Common{Ctx: ctx, Styles: styles.New(true), Keys: keymap.Default()}
	page := board.New(c, NewBoard(rec), nil, board.Options{StuckAfter: 10 * time.Minute})
	page.SetSize(120, 40)
	var (
		mu                       sync.Mutex
		latencies, writes, draws []time.Duration
		seen                     = map[int64]bool{}
		arrived, written         = map[int64]time.Time{}, map[int64]time.Time{}
		synced                   = make(chan struct{})
	)
	changes := make(chan Change, 1024)
	watchCtx, stopWatch := context.WithCancel(ctx)
	go func() {
		for ch := range changes {
			switch {
			case ch.Synced:
				close(synced)
				continue
			case ch.Err != nil:
				t.Logf("watch: %v", ch.Err)
				continue
			}
			drawStart := time.Now()
			page.Update(board.UpdateMsg{Progress: ch.Progress})
			_ = page.View()
			mu.Lock()
			draws = append(draws, time.Since(drawStart))
			mu.Unlock()
			for _, ep := range ch.Progress.Exercises {
				if sent, err := strconv.ParseInt(ep.Check, 10, 64); err == nil && !seen[sent] {
					seen[sent] = true
					mu.Lock()
					arrived[sent] = time.Now()
					latencies = append(latencies, time.Since(time.Unix(0, sent)))
					mu.Unlock()
				}
			}
		}
	}()
	go func() { _ = WatchProgress(watchCtx, bcs, rec.Name, func(ch Change) { changes <- ch }) }()
	<-synced
	startReqs := counter.n.Load()

	// The learners: each reports a new state every 2-4 s. The newest
	// change carries its send time; the board measures on arrival.
	runCtx, stopRun := context.WithTimeout(ctx, time.Duration(secs)*time.Second)
	defer stopRun()
	var wg sync.WaitGroup
	var sent, failed atomic.Int64
	lcfg := rest.CopyConfig(e.Config)
	lcfg.QPS, lcfg.Burst = 1000, 2000
	lcs, err := kubernetes.NewForConfig(lcfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range rec.Learners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 1))
			for n := 0; ; n++ {
				select {
				case <-runCtx.Done():
					return
				case <-time.After(2*time.Second + time.Duration(r.IntN(2000))*time.Millisecond):
				}
				now := time.Now()
				ep := ExerciseProgress{State: StateFailing, Passed: n % 3, Total: 3, FailingSince: now, Check: strconv.FormatInt(now.UnixNano(), 10), Updated: now}
				if n%4 == 3 {
					ep.State = StateDone
				}
				if err := Report(runCtx, lcs, rec.Name, l, rec.Exercises[n%2].ID, ep); err != nil {
					if runCtx.Err() == nil {
						failed.Add(1)
					}
					continue
				}
				sent.Add(1)
				mu.Lock()
				writes = append(writes, time.Since(now))
				written[now.UnixNano()] = time.Now()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	time.Sleep(2 * time.Second) // let the last changes arrive
	reqs := counter.n.Load() - startReqs

	runtime.GC()
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	stopWatch()

	mu.Lock()
	lat, wr, dr := slices.Clone(latencies), slices.Clone(writes), slices.Clone(draws)
	// From the moment the API server answered the learner's update to the
	// board having drawn it (the watch event can arrive first: 0).
	var after []time.Duration
	for stamp, w := range written {
		if a, ok := arrived[stamp]; ok {
			after = append(after, max(0, a.Sub(w)))
		}
	}
	mu.Unlock()
	slices.Sort(after)
	if len(lat) == 0 || len(wr) == 0 {
		t.Fatal("the board saw no change")
	}
	slices.Sort(lat)
	slices.Sort(wr)
	slices.Sort(dr)
	at := func(d []time.Duration, p float64) time.Duration {
		return d[min(len(d)-1, int(float64(len(d))*p))].Round(time.Millisecond)
	}
	pct := func(p float64) time.Duration { return at(lat, p) }
	t.Logf("%d learners, %d s: %d updates sent (%d failed), %d seen by the board", learners, secs, sent.Load(), failed.Load(), len(lat))
	t.Logf("latency learner update -> board applied and drawn: p50 %s, p95 %s, p99 %s, max %s",
		pct(0.50).Round(time.Millisecond), pct(0.95).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
	t.Logf("of which the learner's write (GET and UPDATE of the record): p50 %s, p95 %s; the board applying and drawing one change: p50 %s, p95 %s",
		at(wr, 0.5), at(wr, 0.95), at(dr, 0.5), at(dr, 0.95))
	if len(after) > 0 {
		t.Logf("latency update accepted by the API server -> board applied and drawn: p50 %s, p95 %s (%d matched)", at(after, 0.5), at(after, 0.95), len(after))
	}
	t.Logf("board API requests after the first listing: %d in %d s (%.3f/s)", reqs, secs, float64(reqs)/float64(secs))
	t.Logf("heap in use with the board running (the watch cache, the page), after GC: +%.1f MiB over the baseline",
		float64(int64(during.HeapInuse)-int64(before.HeapInuse))/(1<<20))
	if float64(reqs)/float64(secs) > 1 {
		t.Errorf("the board made %.2f requests/s: it polls", float64(reqs)/float64(secs))
	}
}
