// Package storetest starts the embedded FerretDB once per test binary and hands each test its
// own MongoDB database, plus builders for sample replicas.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/ferret"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
)

var uri string

// Main runs the package's tests with an embedded FerretDB in a temporary directory (or the
// server named by TEST_MONGODB_URI). Call it from TestMain.
func Main(m *testing.M) int {
	if v := os.Getenv("TEST_MONGODB_URI"); v != "" {
		uri = v
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "store-query-ferret-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	srv, err := ferret.Start(context.Background(), dir, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "start ferretdb:", err)
		return 1
	}
	defer srv.Stop()
	uri = srv.URI()
	return m.Run()
}

// URI is the MongoDB URI of the test server.
func URI() string { return uri }

// RandomID returns n random bytes as hex.
func RandomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// NewStore connects to a fresh, uniquely named database, dropped at cleanup.
func NewStore(t testing.TB) (*mongo.Store, string) {
	t.Helper()
	return NewStoreWith(t, mongo.WritesDetect)
}

// NewStoreWith is NewStore with an explicit write mode and connection options.
func NewStoreWith(t testing.TB, writes mongo.Writes, opts ...mongo.Option) (*mongo.Store, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := "test_store_" + RandomID(6)
	s, err := mongo.ConnectWith(ctx, uri, name, writes, opts...)
	if err != nil {
		t.Fatalf("connect %s: %v", uri, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Database().Drop(ctx)
		_ = s.Close(ctx)
	})
	return s, name
}

// Discard is a logger that drops everything.
func Discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
