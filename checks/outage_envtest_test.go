package checks

import (
	"context"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"github.com/kubedojo/kubedojo/checks/result"
)

// outageProxy forwards TCP to the envtest API server and can stop doing
// so: "paused" holds every byte (connections stay open and hang, like a
// paused node container), "down" closes every connection and every new
// one at once (a stopped API server).
type outageProxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	mode   string // "up", "paused" or "down"
	resume chan struct{}
	conns  map[net.Conn]bool
}

func startOutageProxy(t *testing.T, target string) *outageProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &outageProxy{ln: ln, target: target, mode: "up", resume: make(chan struct{}), conns: map[net.Conn]bool{}}
	t.Cleanup(func() { ln.Close(); p.set("down") })
	go p.serve()
	return p
}

func (p *outageProxy) set(mode string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode != "up" && mode == "up" {
		close(p.resume)
		p.resume = make(chan struct{})
	}
	p.mode = mode
	if mode == "down" {
		for c := range p.conns {
			c.Close()
		}
	}
}

// gate blocks while paused; it reports false when the proxy is down.
func (p *outageProxy) gate() bool {
	for {
		p.mu.Lock()
		mode, resume := p.mode, p.resume
		p.mu.Unlock()
		switch mode {
		case "up":
			return true
		case "down":
			return false
		}
		<-resume
	}
}

func (p *outageProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == "down" {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

func (p *outageProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			if !p.track(c) || !p.gate() {
				c.Close()
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil || !p.track(up) {
				c.Close()
				return
			}
			go p.pipe(up, c)
			p.pipe(c, up)
		}()
	}
}

func (p *outageProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.gate() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				return
			}
			return
		}
	}
}

// TestEnvtestWatchReportsAnOutage pauses, then stops, the API server
// under a running watch: every check turns into an environment error
// within seconds, and grading resumes by itself when it answers again.
func TestEnvtestWatchReportsAnOutage(t *testing.T) {
	fx := newAPIFixture(t)
	u, err := url.Parse(fx.cfg.Host)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startOutageProxy(t, u.Host)
	cfg := rest.CopyConfig(fx.cfg)
	cfg.Host = "https://" + proxy.ln.Addr().String()
	// The grader goes through the proxy; the learner's changes do not.
	proxied, err := NewEnv(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fx.apply(`{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: dev}}`)
	ex := fx.exercise(
		`{field: {object: ConfigMap/settings, path: .data.mode, equals: dev}}`,
		`{field: {object: ConfigMap/settings, path: .data.tier, equals: gold}}`,
	)
	reports := make(chan result.Report, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewGrader(proxied).Watch(ctx, ex, func(r result.Report) { reports <- r }) }()
	defer func() { cancel(); <-done }()
	waitFor := func(what string, within time.Duration, ok func(result.Report) bool) result.Report {
		t.Helper()
		deadline := time.After(within)
		for {
			select {
			case r := <-reports:
				if ok(r) {
					return r
				}
			case <-deadline:
				t.Fatalf("watch did not report %s within %s", what, within)
			}
		}
	}
	allErrors := func(r result.Report) bool { return r.Counts().Error == len(r.Results) && r.Unreachable != "" }
	waitFor("the initial grading", 20*time.Second, func(r result.Report) bool {
		return r.Results[0].Status == result.Pass && r.Results[1].Status == result.Fail
	})

	for _, mode := range []string{"paused", "down"} {
		start := time.Now()
		proxy.set(mode)
		// About 12 s on a quiet machine (a ping after 3 s of quiet, its
		// 2 s timeout, two probes); the bound leaves room for CI's load.
		r := waitFor("an outage ("+mode+")", 30*time.Second, allErrors)
		t.Logf("%s API server: every check an environment error after %s", mode, time.Since(start).Round(100*time.Millisecond))
		if !strings.Contains(r.Results[0].Detail, "not your answer") || !strings.Contains(r.Results[1].Detail, "resumes by itself") {
			t.Errorf("outage detail = %q", r.Results[0].Detail)
		}
		// The learner's change during the outage is graded once it is back.
		if mode == "down" {
			fx.apply(`{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: dev, tier: gold}}`)
		}
		proxy.set("up")
		start = time.Now()
		r = waitFor("grading again after the outage ("+mode+")", 20*time.Second, func(r result.Report) bool { return r.Counts().Error == 0 })
		t.Logf("%s API server back: graded again after %s (%s)", mode, time.Since(start).Round(100*time.Millisecond), r.Trigger)
		if r.Unreachable != "" || r.Trigger != TriggerAPIBack {
			t.Errorf("report after the outage: trigger %q, unreachable %q", r.Trigger, r.Unreachable)
		}
		if mode == "down" && !r.Passed() {
			waitFor("the change made during the outage", 10*time.Second, func(r result.Report) bool { return r.Passed() })
		}
	}
}
