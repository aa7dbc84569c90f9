package auth_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/auth/authtest"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
)

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	key, _ := iss.PrivateKey()
	pemBytes, err := auth.EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "pub.pem")
	if err := os.WriteFile(pemFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("nope"), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("defaults point at the local identity JWKS", func(t *testing.T) {
		r := envconfig.FromMap(nil)
		cfg := auth.ConfigFromEnv(r)
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		if cfg.JWKSURL != auth.DefaultJWKSURL || cfg.Issuer != auth.DefaultIssuer || cfg.Audience != auth.DefaultAudience {
			t.Fatalf("cfg = %+v", cfg)
		}
	})
	t.Run("a public key file replaces the JWKS and verifies tokens", func(t *testing.T) {
		r := envconfig.FromMap(map[string]string{"JWT_PUBLIC_KEY_FILE": pemFile})
		cfg := auth.ConfigFromEnv(r)
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		v, err := auth.NewVerifier(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(t.Context(), iss.Token(auth.RoleAdmin)); err != nil {
			t.Fatal(err)
		}
	})
	for name, file := range map[string]string{"a missing key file is reported": filepath.Join(dir, "absent.pem"), "a key file without key is reported": junk} {
		t.Run(name, func(t *testing.T) {
			r := envconfig.FromMap(map[string]string{"JWT_PUBLIC_KEY_FILE": file})
			auth.ConfigFromEnv(r)
			if r.Err() == nil {
				t.Fatal("no error")
			}
		})
	}
}
