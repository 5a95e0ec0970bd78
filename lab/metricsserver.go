package lab

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubedojo/kubedojo/assets"
	"github.com/kubedojo/kubedojo/lessons"
)

// Where the metrics-server add-on runs, and the API it serves.
const (
	metricsServerNamespace  = "kube-system"
	metricsServerDeployment = "metrics-server"
	metricsGroupVersion     = "metrics.k8s.io/v1beta1"
	metricsServerTLSSecret  = "metrics-server-tls"
	// metricsServerWait bounds the wait for the pod's readiness (its probe
	// needs a first scrape of every kubelet); metricsAPIWait the one for the
	// aggregator's first answer after that.
	metricsServerWait = 90 * time.Second
	metricsAPIWait    = 30 * time.Second
)

// MetricsServerImage is the image of the embedded metrics-server manifests,
// preloaded into the lab's nodes.
const MetricsServerImage = "registry.k8s.io/metrics-server/metrics-server:v0.8.0"

// ensureMetricsServer installs metrics-server unless it is installed: it
// loads the image into the nodes, applies the manifests and waits briefly
// for the Metrics API. The lab works without metrics-server, so a failure
// is reported and Up goes on; the exercises that need it are then shown as
// unavailable with the reason (Capabilities asks the Metrics API itself).
func (l *Lab) ensureMetricsServer(ctx context.Context, rc *rest.Config, t *tracker) error {
	kube, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return fmt.Errorf("add-on metrics-server: %w", err)
	}
	if installed, err := metricsServerInstalled(ctx, kube); err != nil {
		return err
	} else if installed {
		return nil
	}
	t.start(PhaseAddons, "metrics-server: loading its image into the nodes")
	sub := newTracker(func(p Progress) {
		if p.Message != "" {
			t.message("metrics-server: " + p.Message)
		}
	}, nil)
	// An image missing from the local store is pulled by the nodes
	// themselves when the machine is online.
	err = l.preload(ctx, []string{MetricsServerImage}, sub)
	if err == nil || errors.Is(err, ErrImagesMissing) {
		t.message("metrics-server: applying its manifests and waiting for its pod")
		err = InstallMetricsServer(ctx, rc)
	}
	if err == nil {
		t.message("metrics-server: waiting for the Metrics API")
		err = waitMetricsAPI(ctx, kube, metricsAPIWait)
	}
	if err != nil {
		if ctx.Err() != nil {
			t.done(PhaseAddons, err)
			return err
		}
		t.message(fmt.Sprintf("metrics-server is not serving yet (%v); kubectl top and the exercises that need it wait for it", err))
	}
	t.done(PhaseAddons, nil)
	return nil
}

// metricsServerInstalled says whether kubedojo's metrics-server is
// installed: the Deployment with the pinned image and the APIService with
// its caBundle.
func metricsServerInstalled(ctx context.Context, kube kubernetes.Interface) (bool, error) {
	d, err := kube.AppsV1().Deployments(metricsServerNamespace).Get(ctx, metricsServerDeployment, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%w: look for metrics-server: %v", ErrUnreachable, err)
	}
	if len(d.Spec.Template.Spec.Containers) == 0 || d.Spec.Template.Spec.Containers[0].Image != MetricsServerImage {
		return false, nil
	}
	raw, err := kube.Discovery().RESTClient().Get().AbsPath("/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io").DoRaw(ctx)
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%w: look for APIService v1beta1.metrics.k8s.io: %v", ErrUnreachable, err)
	}
	var svc struct {
		Spec struct {
			CABundle []byte `json:"caBundle"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(raw, &svc); err != nil {
		return false, fmt.Errorf("add-on metrics-server: read APIService v1beta1.metrics.k8s.io: %w", err)
	}
	return len(svc.Spec.CABundle) > 0, nil
}

// InstallMetricsServer applies the embedded metrics-server manifests with
// server-side apply: a serving certificate first, the APIService
// v1beta1.metrics.k8s.io last, only once the Deployment is ready, trusting
// that certificate. Both guard against the same failure: the API server's
// aggregator keeps the connections it opens to an APIService's Service, and
// one opened before kube-proxy has programmed the Service IP leaves the
// node. On a network that answers any port 443 (seen on a sandbox whose
// egress proxy did), upstream's insecureSkipTLSVerify accepted that answer
// and every later Metrics API request went there, an empty 404, while the
// APIService reported Available. With a caBundle such a connection fails
// its handshake and is not kept. Applying again changes nothing that is
// already as the manifests say.
func InstallMetricsServer(ctx context.Context, cfg *rest.Config) error {
	docs, errs := lessons.ParseManifests(assets.MetricsServerManifests())
	if len(errs) > 0 {
		return fmt.Errorf("embedded metrics-server manifests are invalid: %v", errs[0])
	}
	var workload, apiServices []*unstructured.Unstructured
	for _, d := range docs {
		if d.Object.GetKind() == "APIService" {
			apiServices = append(apiServices, d.Object)
		} else {
			workload = append(workload, d.Object)
		}
	}
	a, err := newAddonApplier(AddonMetricsServer, cfg)
	if err != nil {
		return err
	}
	caPEM, err := ensureMetricsServerTLS(ctx, a.kube, time.Now())
	if err != nil {
		return err
	}
	if err := a.apply(ctx, workload); err != nil {
		return err
	}
	if err := waitMetricsServerReady(ctx, a.kube); err != nil {
		return err
	}
	for _, obj := range apiServices {
		if err := unstructured.SetNestedField(obj.Object, base64.StdEncoding.EncodeToString(caPEM), "spec", "caBundle"); err != nil {
			return fmt.Errorf("add-on metrics-server: %w", err)
		}
	}
	return a.apply(ctx, apiServices)
}

// ensureMetricsServerTLS makes sure Secret kube-system/metrics-server-tls
// holds a serving certificate for the metrics-server Service that is valid
// for at least a month, and returns it: it signs itself, so it is also the
// APIService's caBundle.
func ensureMetricsServerTLS(ctx context.Context, kube kubernetes.Interface, now time.Time) ([]byte, error) {
	secrets := kube.CoreV1().Secrets(metricsServerNamespace)
	sec, err := secrets.Get(ctx, metricsServerTLSSecret, metav1.GetOptions{})
	exists := err == nil
	switch {
	case exists:
		if certValidUntil(sec.Data[corev1.TLSCertKey], now.Add(30*24*time.Hour)) && len(sec.Data[corev1.TLSPrivateKeyKey]) > 0 {
			return sec.Data[corev1.TLSCertKey], nil
		}
	case !apierrors.IsNotFound(err):
		return nil, fmt.Errorf("%w: look for Secret %s/%s: %v", ErrUnreachable, metricsServerNamespace, metricsServerTLSSecret, err)
	}
	certPEM, keyPEM, err := selfSigned(metricsServerDeployment+"."+metricsServerNamespace+".svc", now)
	if err != nil {
		return nil, fmt.Errorf("add-on metrics-server: %w", err)
	}
	want := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: metricsServerTLSSecret, Namespace: metricsServerNamespace, Labels: map[string]string{"k8s-app": "metrics-server"}},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: certPEM, corev1.TLSPrivateKeyKey: keyPEM},
	}
	if exists {
		sec.Data, sec.Type = want.Data, want.Type
		_, err = secrets.Update(ctx, sec, metav1.UpdateOptions{})
	} else {
		_, err = secrets.Create(ctx, want, metav1.CreateOptions{})
	}
	if err != nil {
		return nil, fmt.Errorf("add-on metrics-server: store its serving certificate: %w", err)
	}
	return certPEM, nil
}

// certValidUntil says whether a PEM certificate parses and is still valid
// at t.
func certValidUntil(certPEM []byte, t time.Time) bool {
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return false
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	return err == nil && t.Before(cert.NotAfter)
}

// waitMetricsServerReady waits until the metrics-server Deployment has all
// its replicas updated and available.
func waitMetricsServerReady(ctx context.Context, kube kubernetes.Interface) error {
	return pollAddon(ctx, metricsServerWait, "metrics-server's pod did not become ready", func() (string, error) {
		d, err := kube.AppsV1().Deployments(metricsServerNamespace).Get(ctx, metricsServerDeployment, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return "Deployment kube-system/metrics-server does not exist", nil
		}
		if err != nil {
			return "", fmt.Errorf("%w: look for metrics-server: %v", ErrUnreachable, err)
		}
		if deploymentReady(d) {
			return "", nil
		}
		return "Deployment kube-system/metrics-server has no ready pod; see kubectl -n kube-system get pods -l k8s-app=metrics-server", nil
	})
}

// waitMetricsAPI waits at most bound until the Metrics API answers through
// the API server, as kubectl top asks it.
func waitMetricsAPI(ctx context.Context, kube kubernetes.Interface, bound time.Duration) error {
	return pollAddon(ctx, bound, "the Metrics API did not answer", func() (string, error) {
		if metricsAPIAnswers(kube) {
			return "", nil
		}
		return metricsGroupVersion + " is not served through the API server; see kubectl get apiservice v1beta1.metrics.k8s.io", nil
	})
}

// metricsAPIAnswers says whether the API server lists the Metrics API's
// resources, a request it proxies to metrics-server.
func metricsAPIAnswers(kube kubernetes.Interface) bool {
	_, err := kube.Discovery().ServerResourcesForGroupVersion(metricsGroupVersion)
	return err == nil
}

// pollAddon calls problem every half second until it reports none, for at
// most bound; the last problem explains a timeout.
func pollAddon(ctx context.Context, bound time.Duration, what string, problem func() (string, error)) error {
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	for {
		why, err := problem()
		if err == nil && why == "" {
			return nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = errors.New(why)
			}
			return fmt.Errorf("add-on metrics-server: %s in %s: %w", what, bound, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
