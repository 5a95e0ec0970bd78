package checks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/net/http2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// An idle watch makes no API requests: it learns that the API server
// stopped answering from the requests that fail (apiTrouble), and only
// then probes it (outage.go). A stopped API server breaks the watches'
// connections at once. A paused one leaves them open and silent, so the
// watches' connections send HTTP/2 PING frames (not requests: the API
// server's HTTP/2 layer answers them) after a few quiet seconds; an
// unanswered ping closes the connection, which fails its watch.
const (
	pingAfterQuiet = 3 * time.Second
	pingTimeout    = 2 * time.Second
)

// apiTrouble tells the watches of an Env that a request to the API server
// failed: every waiter of the channel that wait returned is woken.
type apiTrouble struct {
	mu sync.Mutex
	ch chan struct{}
}

func (t *apiTrouble) wait() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ch == nil {
		t.ch = make(chan struct{})
	}
	return t.ch
}

func (t *apiTrouble) notify() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ch != nil {
		close(t.ch)
	}
	t.ch = make(chan struct{})
}

// trouble is the Env's apiTrouble (made on first use: tests build Envs
// by hand).
func (e *Env) trouble() *apiTrouble {
	e.troubleOnce.Do(func() {
		if e.troubles == nil {
			e.troubles = &apiTrouble{}
		}
	})
	return e.troubles
}

// troubleTripper reports failed requests, answers of a failing API server
// (5xx) and watch streams that break to an apiTrouble. What the caller
// cancelled is not trouble.
type troubleTripper struct {
	next    http.RoundTripper
	trouble *apiTrouble
}

func (t troubleTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		if req.Context().Err() == nil {
			t.trouble.notify()
		}
		return resp, err
	}
	if resp.StatusCode >= 500 {
		t.trouble.notify()
	}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return resp, nil // the body is the upgraded connection
	}
	resp.Body = troubleBody{ReadCloser: resp.Body, ctx: req.Context(), trouble: t.trouble}
	return resp, nil
}

type troubleBody struct {
	io.ReadCloser
	ctx     context.Context
	trouble *apiTrouble
}

func (b troubleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && b.ctx.Err() == nil {
		b.trouble.notify()
	}
	return n, err
}

// pingingConfig returns cfg with a transport of its own whose HTTP/2
// connections ping a quiet API server after pingAfterQuiet (client-go's
// transports wait 30 s, then 15 s for the answer: a paused lab would look
// fine for most of a minute). TLS and credentials are those of cfg.
func pingingConfig(cfg *rest.Config) (*rest.Config, error) {
	tlsCfg, err := rest.TLSConfigFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("TLS config: %w", err)
	}
	dial := cfg.Dial
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	proxy := cfg.Proxy
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	base := &http.Transport{
		Proxy:               proxy,
		DialContext:         dial,
		TLSClientConfig:     tlsCfg,
		TLSHandshakeTimeout: 10 * time.Second,
		IdleConnTimeout:     90 * time.Second,
		MaxIdleConnsPerHost: 25,
		ForceAttemptHTTP2:   true,
	}
	if tlsCfg != nil {
		h2, err := http2.ConfigureTransports(base)
		if err != nil {
			return nil, fmt.Errorf("HTTP/2: %w", err)
		}
		h2.ReadIdleTimeout, h2.PingTimeout = pingAfterQuiet, pingTimeout
	}
	rt, err := rest.HTTPWrappersForConfig(cfg, base)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	out := rest.CopyConfig(cfg)
	// The transport carries TLS and credentials now; the config must not
	// ask client-go to add them again.
	out.Transport = rt
	out.TLSClientConfig = rest.TLSClientConfig{}
	out.BearerToken, out.BearerTokenFile, out.Username, out.Password = "", "", "", ""
	out.Impersonate = rest.ImpersonationConfig{}
	out.AuthProvider, out.ExecProvider = nil, nil
	out.WrapTransport, out.Dial, out.Proxy = nil, nil, nil
	return out, nil
}

// troubleInformer is the dynamic informer of k whose failed lists and
// watch starts are trouble (the reflector retries a refused watch quietly,
// and forever).
func (g *Grader) troubleInformer(k depKey) cache.SharedIndexInformer {
	res := g.env.Dynamic.Resource(k.gvr).Namespace(k.namespace)
	trouble := g.env.trouble()
	report := func(ctx context.Context, err error) {
		if err != nil && ctx.Err() == nil {
			trouble.notify()
		}
	}
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			list, err := res.List(ctx, opts)
			report(ctx, err)
			return list, err
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			w, err := res.Watch(ctx, opts)
			report(ctx, err)
			return w, err
		},
	}
	return cache.NewSharedIndexInformerWithOptions(
		cache.ToListWatcherWithWatchListSemantics(lw, g.env.Dynamic),
		&unstructured.Unstructured{},
		cache.SharedIndexInformerOptions{ObjectDescription: k.gvr.String()},
	)
}
