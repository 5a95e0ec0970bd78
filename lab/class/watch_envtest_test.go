package class_test

import (
	"context"
	"testing"
	"time"

	"github.com/kubedojo/kubedojo/lab/class"
)

func TestWatchProgressSeesALearnersReport(t *testing.T) {
	c, _ := envCluster(t)
	dir, _ := createClass(t, c, testRecord("watch", "wes", "xia"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := make(chan class.Change, 16)
	go func() { _ = class.WatchProgress(ctx, c.Client, "watch", func(ch class.Change) { changes <- ch }) }()
	next := func() class.Change {
		t.Helper()
		select {
		case ch := <-changes:
			return ch
		case <-time.After(30 * time.Second):
			t.Fatal("no change from the watch in 30s")
		}
		return class.Change{}
	}
	seen := map[string]bool{}
	for ch := next(); !ch.Synced; ch = next() {
		seen[ch.Progress.Learner] = true
	}
	if !seen["wes"] || !seen["xia"] {
		t.Fatalf("the first listing gave %v, want both learners", seen)
	}
	since := time.Now().Add(-time.Minute).Truncate(time.Second)
	wes := learnerClient(t, class.KubeconfigFile(dir, "wes", false))
	if err := class.Report(ctx, wes, "watch", "wes", "pods/web", class.ExerciseProgress{State: class.StateFailing, FailingSince: since, Check: "pod runs", Updated: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ch := next()
	got := ch.Progress.Exercises["pods/web"]
	if ch.Progress.Learner != "wes" || got.State != class.StateFailing || !got.FailingSince.Equal(since) {
		t.Fatalf("change: %+v", ch)
	}
	// A repeated failure keeps when the failing began.
	if err := class.Report(ctx, wes, "watch", "wes", "pods/web", class.ExerciseProgress{State: class.StateFailing, FailingSince: time.Now(), Check: "pod ready", Updated: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if got := next().Progress.Exercises["pods/web"]; !got.FailingSince.Equal(since) || got.Check != "pod ready" {
		t.Errorf("after a second failure: %+v, want failing since %s", got, since)
	}
	b, err := class.Snapshot(ctx, c.Client, &class.Record{Name: "watch", Learners: []string{"wes", "xia"}, Exercises: testRecord("watch").Exercises})
	if err != nil {
		t.Fatal(err)
	}
	if b.Progress["wes"].Exercises["pods/web"].Check != "pod ready" || len(b.Exercises) != 2 {
		t.Errorf("snapshot: %+v", b)
	}
}
