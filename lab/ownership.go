package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ownerRecord is what kubedojo writes when it creates a cluster, so that
// it can later tell its own clusters from others: a kind cluster of the
// same name made by someone else, or a kubeconfig context that happens to
// be called kind-kubedojo, has a different CA.
type ownerRecord struct {
	Name          string    `json:"name"`
	Server        string    `json:"server"`
	CAFingerprint string    `json:"caFingerprint"`
	NodeImage     string    `json:"nodeImage"`
	Created       time.Time `json:"created"`
	// ExportedTo is the kubeconfig file the context was merged into
	// (Config.ExportKubeconfig), so Down can remove it again.
	ExportedTo string `json:"exportedTo,omitempty"`
}

// matches reports whether a cluster endpoint is the recorded cluster.
func (r *ownerRecord) matches(server, caFingerprint string) bool {
	return r != nil && r.CAFingerprint != "" && r.CAFingerprint == caFingerprint && r.Server == server
}

func readOwner(path string) (*ownerRecord, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ownership record: %w", err)
	}
	var r ownerRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("read ownership record %s: %w", path, err)
	}
	return &r, nil
}

func writeOwner(path string, r *ownerRecord) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return WritePrivateFile(path, data)
}

// findOwner looks through every ownership record in the state directory
// for the cluster at server with this CA.
func findOwner(stateDir, server, caFingerprint string) (*ownerRecord, error) {
	paths, err := filepath.Glob(filepath.Join(stateDir, "clusters", "*", "owner.json"))
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		r, err := readOwner(p)
		if err != nil {
			return nil, err
		}
		if r.matches(server, caFingerprint) {
			return r, nil
		}
	}
	return nil, nil
}

// caFingerprint is the SHA-256 of the first certificate in PEM data (of the
// raw bytes when they are not PEM), hex encoded; "" for no CA.
func caFingerprint(caData []byte) string {
	if len(caData) == 0 {
		return ""
	}
	der := caData
	if b, _ := pem.Decode(caData); b != nil {
		der = b.Bytes
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// WritePrivateFile writes data readable only by the user (kubeconfigs hold
// credentials), creating the directory.
func WritePrivateFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
