package lab

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kubedojo/kubedojo/lessons"
)

// labPath resolves a step's path (relative paths are inside the lab
// directory) and makes sure it stays inside the lab
// directory: a lesson pack must not write anywhere else on the learner's
// machine.
func labPath(vars lessons.Vars, p string) (string, error) {
	if vars.Lab == "" {
		return "", fmt.Errorf("no lab directory ({{LAB}}) is configured")
	}
	root := filepath.Clean(vars.Lab)
	path := filepath.Clean(p)
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is outside the lab directory %s", path, root)
	}
	return path, nil
}

// writeLabFile writes a file step, creating its directories.
func writeLabFile(vars lessons.Vars, f *lessons.FileStep) error {
	path, err := labPath(vars, f.Path)
	if err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if f.Mode != "" {
		m, err := strconv.ParseUint(f.Mode, 8, 32)
		if err != nil {
			return fmt.Errorf("file mode %q: %w", f.Mode, err)
		}
		mode = os.FileMode(m)
	}
	return writeFile(vars, path, []byte(f.Content), mode)
}

// writeFile writes path (inside the lab directory, see labPath) without
// following a symbolic link out of the lab directory, nor one in place of
// the file itself: a link there (made by the learner, or by another pack)
// would make a pack's start state write into the learner's own files.
func writeFile(vars lessons.Vars, path string, data []byte, mode os.FileMode) error {
	lab := filepath.Clean(vars.Lab)
	rel, err := filepath.Rel(lab, path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.MkdirAll(lab, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	root, err := os.OpenRoot(lab)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer root.Close()
	if link, target := linkOnTheWay(root, rel); link != "" {
		return fmt.Errorf("write %s: %s is a symbolic link (to %s), and kubedojo does not write through links; move it away, then reset the exercise",
			path, filepath.Join(lab, link), target)
	}
	if err := root.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		// OpenFile keeps the mode of an existing file and applies the umask.
		err = f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// linkOnTheWay returns the first element of rel, from the lab directory
// down, that is a symbolic link leaving the lab directory, or rel itself
// when it is a link; links between folders of the lab are harmless.
func linkOnTheWay(root *os.Root, rel string) (link, target string) {
	parts := strings.Split(rel, string(filepath.Separator))
	for i := range parts {
		p := filepath.Join(parts[:i+1]...)
		fi, err := root.Lstat(p)
		if err != nil {
			return "", "" // missing from here on: MkdirAll makes real folders
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			continue
		}
		target, _ = root.Readlink(p)
		if i == len(parts)-1 {
			return p, target
		}
		if _, err := root.Stat(p); err != nil {
			return p, target // os.Root refuses links that leave it
		}
	}
	return "", ""
}

// writeTLS writes a self-signed certificate for the step's host and its
// private key (ECDSA P-256, PKCS#8, valid for a year).
func writeTLS(vars lessons.Vars, t *lessons.TLSStep) error {
	certPath, err := labPath(vars, t.Cert)
	if err != nil {
		return err
	}
	keyPath, err := labPath(vars, t.Key)
	if err != nil {
		return err
	}
	certPEM, keyPEM, err := selfSigned(t.Host, time.Now())
	if err != nil {
		return err
	}
	if err := writeFile(vars, certPath, certPEM, 0o644); err != nil {
		return err
	}
	return writeFile(vars, keyPath, keyPEM, 0o600)
}

// selfSigned makes a certificate for host (a DNS name or an IP address)
// that signs itself, so it can serve TLS and be trusted as its own CA.
func selfSigned(host string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, fmt.Errorf("serial number: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: host, Organization: []string{"kubedojo lab"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create certificate for %s: %w", host, err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), nil
}
