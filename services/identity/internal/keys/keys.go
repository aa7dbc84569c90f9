// Package keys loads, generates and publishes the RSA keys the identity service signs with.
//
// A Ring holds every key still published; the newest (the last loaded) signs new tokens.
// Rotation: add a new key file after the current ones, restart, and remove the old file once
// every token it signed has expired (JWT_TTL).
package keys

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tmfcatalog/platform/libs/auth"
)

// DefaultBits is the modulus size of generated keys.
const DefaultBits = 3072

// Key is one signing key and its kid (the RFC 7638 thumbprint of its public half).
type Key struct {
	ID      string
	Private *rsa.PrivateKey
}

// Ring is the set of published keys; the last one signs.
type Ring struct {
	keys []Key
}

// NewRing returns a ring of privs in age order (oldest first). Duplicates are dropped.
func NewRing(privs ...*rsa.PrivateKey) (*Ring, error) {
	if len(privs) == 0 {
		return nil, errors.New("key ring: no key")
	}
	r := &Ring{}
	for _, p := range privs {
		if p.N.BitLen() < auth.MinRSABits {
			return nil, fmt.Errorf("key ring: rsa key of %d bits, need at least %d", p.N.BitLen(), auth.MinRSABits)
		}
		id := auth.KeyID(&p.PublicKey)
		r.keys = slices.DeleteFunc(r.keys, func(k Key) bool { return k.ID == id })
		r.keys = append(r.keys, Key{ID: id, Private: p})
	}
	return r, nil
}

// LoadFiles reads one private key per file; the last file holds the signing key.
func LoadFiles(paths []string) (*Ring, error) {
	privs := make([]*rsa.PrivateKey, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read key: %w", err)
		}
		k, err := ParsePrivateKeyPEM(data)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", p, err)
		}
		privs = append(privs, k)
	}
	return NewRing(privs...)
}

// FilesInDir lists the *.pem files of dir sorted by name, so names that start with a date
// (2026-11-30.pem) put the newest key last.
func FilesInDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("keys dir: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".pem") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("keys dir %s holds no .pem file", dir)
	}
	slices.Sort(files)
	return files, nil
}

// Signing returns the key that signs new tokens.
func (r *Ring) Signing() Key { return r.keys[len(r.keys)-1] }

// Keys returns every published key, oldest first.
func (r *Ring) Keys() []Key { return slices.Clone(r.keys) }

// JWKS returns the public halves of every key.
func (r *Ring) JWKS() auth.JWKSet {
	set := auth.JWKSet{Keys: make([]auth.JWK, 0, len(r.keys))}
	for _, k := range r.keys {
		set.Keys = append(set.Keys, auth.NewJWK(k.ID, &k.Private.PublicKey))
	}
	return set
}

// PublicPEM returns the PEM public keys of every key, oldest first, which a verifier can use
// offline (JWT_PUBLIC_KEY_FILE).
func (r *Ring) PublicPEM() ([]byte, error) {
	var out []byte
	for _, k := range r.keys {
		p, err := auth.EncodePublicKeyPEM(&k.Private.PublicKey)
		if err != nil {
			return nil, err
		}
		out = append(out, p...)
	}
	return out, nil
}

// Generate makes a new RSA key of bits (DefaultBits when 0).
func Generate(bits int) (*rsa.PrivateKey, error) {
	if bits == 0 {
		bits = DefaultBits
	}
	if bits < auth.MinRSABits {
		return nil, fmt.Errorf("generate key: %d bits is below %d", bits, auth.MinRSABits)
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return k, nil
}

// ParsePrivateKeyPEM decodes an RSA private key in PKCS #1 or PKCS #8 PEM form.
func ParsePrivateKeyPEM(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse pkcs1 key: %w", err)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse pkcs8 key: %w", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("private key is %T, not RSA", k)
		}
		return rk, nil
	}
	return nil, fmt.Errorf("unexpected PEM block %q", block.Type)
}

// WritePrivateKeyPEM writes k as a PKCS #8 PEM file readable by its owner only, creating the
// directory (0700) if needed. An existing file is never overwritten.
func WritePrivateKeyPEM(path string, k *rsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return fmt.Errorf("marshal key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("key dir: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		_ = f.Close()
		return fmt.Errorf("write key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	return nil
}
