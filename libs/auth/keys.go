package auth

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
)

// MinRSABits is the smallest RSA modulus accepted for signing or verification.
const MinRSABits = 2048

// JWK is one RSA public key of a JSON Web Key Set (RFC 7517).
type JWK struct {
	Kty string `json:"kty"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// JWKSet is the document served at /.well-known/jwks.json.
type JWKSet struct {
	Keys []JWK `json:"keys"`
}

// NewJWK describes pub as a signing key for RS256 under kid.
func NewJWK(kid string, pub *rsa.PublicKey) JWK {
	return JWK{
		Kty: "RSA", Use: "sig", Alg: "RS256", Kid: kid,
		N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}
}

// PublicKey decodes the RSA key of k. Keys that are not RSA signing keys, or shorter than
// MinRSABits, are rejected.
func (k JWK) PublicKey() (*rsa.PublicKey, error) {
	if k.Kty != "RSA" {
		return nil, fmt.Errorf("jwk %q: key type %q is not RSA", k.Kid, k.Kty)
	}
	if k.Use != "" && k.Use != "sig" {
		return nil, fmt.Errorf("jwk %q: use %q is not sig", k.Kid, k.Use)
	}
	if k.Alg != "" && k.Alg != "RS256" {
		return nil, fmt.Errorf("jwk %q: alg %q is not RS256", k.Kid, k.Alg)
	}
	n, err := base64.RawURLEncoding.DecodeString(k.N)
	if err != nil {
		return nil, fmt.Errorf("jwk %q: modulus: %w", k.Kid, err)
	}
	e, err := base64.RawURLEncoding.DecodeString(k.E)
	if err != nil {
		return nil, fmt.Errorf("jwk %q: exponent: %w", k.Kid, err)
	}
	if len(e) == 0 || len(e) > 4 {
		return nil, fmt.Errorf("jwk %q: exponent of %d bytes", k.Kid, len(e))
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	if err := checkRSA(pub); err != nil {
		return nil, fmt.Errorf("jwk %q: %w", k.Kid, err)
	}
	return pub, nil
}

func checkRSA(pub *rsa.PublicKey) error {
	if pub.N.BitLen() < MinRSABits {
		return fmt.Errorf("rsa key of %d bits, need at least %d", pub.N.BitLen(), MinRSABits)
	}
	if pub.E < 3 || pub.E%2 == 0 {
		return fmt.Errorf("rsa exponent %d is not acceptable", pub.E)
	}
	return nil
}

// KeyID returns the RFC 7638 thumbprint of pub (base64url SHA-256 of its canonical JWK). The
// identity service uses it as kid, so a verifier configured with a PEM derives the same id.
func KeyID(pub *rsa.PublicKey) string {
	j := NewJWK("", pub)
	// Members in lexicographic order, no whitespace, as RFC 7638 requires.
	canon, _ := json.Marshal(struct {
		E   string `json:"e"`
		Kty string `json:"kty"`
		N   string `json:"n"`
	}{j.E, j.Kty, j.N})
	sum := sha256.Sum256(canon)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// ParsePublicKeysPEM decodes every RSA public key in data: "PUBLIC KEY" (PKIX), "RSA PUBLIC
// KEY" (PKCS #1) and "CERTIFICATE" blocks. Several keys may be concatenated for rotation.
func ParsePublicKeysPEM(data []byte) ([]*rsa.PublicKey, error) {
	var keys []*rsa.PublicKey
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		pub, err := parsePublicBlock(block)
		if err != nil {
			return nil, err
		}
		if err := checkRSA(pub); err != nil {
			return nil, err
		}
		keys = append(keys, pub)
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM public key found")
	}
	return keys, nil
}

func parsePublicBlock(block *pem.Block) (*rsa.PublicKey, error) {
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse public key: %w", err)
		}
		pub, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key is %T, not RSA", k)
		}
		return pub, nil
	case "RSA PUBLIC KEY":
		pub, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse rsa public key: %w", err)
		}
		return pub, nil
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		pub, ok := cert.PublicKey.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("certificate key is %T, not RSA", cert.PublicKey)
		}
		return pub, nil
	default:
		return nil, fmt.Errorf("unexpected PEM block %q", block.Type)
	}
}

// EncodePublicKeyPEM returns pub as a PKIX "PUBLIC KEY" PEM block.
func EncodePublicKeyPEM(pub *rsa.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("marshal public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
