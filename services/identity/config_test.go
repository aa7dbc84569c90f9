package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/services/identity/internal/keys"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c config)
	}{
		{"production without a key is refused", map[string]string{}, "JWT_PRIVATE_KEY_FILES", nil},
		{"production defaults have no service clients and do not seed", map[string]string{"JWT_PRIVATE_KEY_FILES": "k.pem"}, "", func(t *testing.T, c config) {
			if len(c.Clients) != 0 || c.SeedUsers || c.DevMode || c.BcryptCost != 12 || c.TTL.Hours() != 1 || c.HTTPAddr != ":8001" {
				t.Fatalf("config = %+v", c)
			}
		}},
		{"production refuses a low bcrypt cost", map[string]string{"JWT_PRIVATE_KEY_FILES": "k.pem", "BCRYPT_COST": "8"}, "BCRYPT_COST", nil},
		{"production refuses dev client secrets", map[string]string{"JWT_PRIVATE_KEY_FILES": "k.pem", "SERVICE_CLIENTS": "gateway:dev-secret-gateway"}, "SERVICE_CLIENTS", nil},
		{"production refuses short client secrets", map[string]string{"JWT_PRIVATE_KEY_FILES": "k.pem", "SERVICE_CLIENTS": "gateway:short"}, "SERVICE_CLIENTS", nil},
		{"production accepts long client secrets", map[string]string{"JWT_PRIVATE_KEY_FILES": "k.pem", "SERVICE_CLIENTS": "gateway:0123456789abcdef0123"}, "", func(t *testing.T, c config) {
			if c.Clients["gateway"] != "0123456789abcdef0123" {
				t.Fatalf("clients = %v", c.Clients)
			}
		}},
		{"dev mode seeds, knows the dev clients and may run without a key", map[string]string{"DEV_MODE": "true", "BCRYPT_COST": "4"}, "", func(t *testing.T, c config) {
			if !c.SeedUsers || len(c.Clients) != 6 || c.Clients["store-query"] != "dev-secret-store-query" || c.BcryptCost != 4 {
				t.Fatalf("config = %+v", c)
			}
		}},
		{"dev mode may turn seeding off", map[string]string{"DEV_MODE": "true", "SEED_USERS": "false"}, "", func(t *testing.T, c config) {
			if c.SeedUsers {
				t.Fatal("seeding on")
			}
		}},
		{"seeding alone marks a demo: dev clients but a real key and cost", map[string]string{"SEED_USERS": "true", "JWT_PRIVATE_KEY_FILES": "k.pem"}, "", func(t *testing.T, c config) {
			if !c.SeedUsers || c.DevMode || c.Clients["gateway"] != "dev-secret-gateway" {
				t.Fatalf("config = %+v", c)
			}
		}},
		{"seeding alone still needs a key", map[string]string{"SEED_USERS": "true"}, "JWT_PRIVATE_KEY_FILES", nil},
		{"a malformed client list is refused", map[string]string{"DEV_MODE": "true", "SERVICE_CLIENTS": "gateway"}, "SERVICE_CLIENTS", nil},
		{"a client listed twice is refused", map[string]string{"DEV_MODE": "true", "SERVICE_CLIENTS": "a:x,a:y"}, "SERVICE_CLIENTS", nil},
		{"key files and a keys dir together are refused", map[string]string{"JWT_PRIVATE_KEY_FILES": "k.pem", "JWT_KEYS_DIR": "keys"}, "JWT_KEYS_DIR", nil},
		{"an absurd token lifetime is refused", map[string]string{"DEV_MODE": "true", "JWT_TTL": "1s"}, "JWT_TTL", nil},
		{"a bad trusted proxy is refused", map[string]string{"DEV_MODE": "true", "TRUSTED_PROXIES": "gateway"}, "TRUSTED_PROXIES", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadConfig(envconfig.FromMap(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
}

func TestKeygenWritesAKeyOnceAndTheRingLoadsIt(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "jwt-private.pem")
	var out bytes.Buffer
	if err := keygen([]string{"-out", path, "-bits", "2048"}, &out); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("stat: %v, mode %v", err, info.Mode())
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := keygen([]string{"-out", path, "-bits", "2048"}, &out); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(path)
	if !bytes.Equal(first, again) || !strings.Contains(out.String(), "keeping it") {
		t.Fatal("keygen replaced an existing key without -force")
	}
	ring, err := keys.LoadFiles([]string{path})
	if err != nil || !strings.Contains(out.String(), ring.Signing().ID) {
		t.Fatalf("ring: %v; output %q", err, out.String())
	}
}

func TestKeysDirSignsWithTheLastFileByName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i, name := range []string{"2026-01-01.pem", "2026-06-01.pem"} {
		if err := keys.WritePrivateKeyPEM(filepath.Join(dir, name), testKey(t, i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	files, err := keys.FilesInDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keys.LoadFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(ring.Keys()) != 2 || ring.Signing().ID != keysID(t, 1) {
		t.Fatalf("ring has %d keys, signing %s", len(ring.Keys()), ring.Signing().ID)
	}
}

func keysID(t *testing.T, i int) string {
	t.Helper()
	r, err := keys.NewRing(testKey(t, i))
	if err != nil {
		t.Fatal(err)
	}
	return r.Signing().ID
}
