package characteristicclient_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"

	"github.com/tmfcatalog/platform/services/specification/internal/adapters/characteristicclient"
)

type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }

// rotatingToken hands out "old" until invalidated, then "new".
type rotatingToken struct{ invalidated bool }

func (r *rotatingToken) Token(context.Context) (string, error) {
	if r.invalidated {
		return "new", nil
	}
	return "old", nil
}

func (r *rotatingToken) Invalidate() { r.invalidated = true }

func TestLookupRetriesOnceWithAFreshTokenAfter401(t *testing.T) {
	t.Parallel()
	id := uuid.New()
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.Header.Get("Authorization") != "Bearer new" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "name": "Speed", "value": "1", "unit_of_measure": "Mbps", "version": 1})
	}))
	t.Cleanup(srv.Close)
	client, err := characteristicclient.New(srv.URL, &rotatingToken{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, found, err := client.Lookup(context.Background(), id); err != nil || !found || calls != 2 {
		t.Fatalf("found=%v err=%v calls=%d, want found after 2 calls", found, err, calls)
	}
	stuck, err := characteristicclient.New(srv.URL, staticToken("old"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := stuck.Lookup(context.Background(), id); err == nil {
		t.Fatal("a 401 with a token source that cannot refresh was not an error")
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	known := uuid.New()
	var seenAuth, seenCorrelation string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seenAuth, seenCorrelation = r.Header.Get("Authorization"), r.Header.Get(correlation.Header)
		switch r.URL.Path {
		case "/api/v1/characteristics/" + known.String():
			_ = json.NewEncoder(w).Encode(map[string]any{"id": known, "name": "Speed", "value": "100", "unit_of_measure": "Mbps", "version": 4})
		case "/api/v1/characteristics/" + uuid.Nil.String():
			w.WriteHeader(http.StatusBadGateway)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	client, err := characteristicclient.New(srv.URL, staticToken("tok"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := correlation.With(context.Background(), "cid-1")

	c, found, err := client.Lookup(ctx, known)
	if err != nil || !found || c.Name != "Speed" || c.Unit != "Mbps" || c.Version != 4 {
		t.Fatalf("known id: %+v %v %v", c, found, err)
	}
	if seenAuth != "Bearer tok" || seenCorrelation != "cid-1" {
		t.Fatalf("headers: auth %q correlation %q", seenAuth, seenCorrelation)
	}
	if _, found, err := client.Lookup(ctx, uuid.New()); err != nil || found {
		t.Fatalf("unknown id: found=%v err=%v", found, err)
	}
	if _, _, err := client.Lookup(ctx, uuid.Nil); err == nil {
		t.Fatal("a 502 answer was not an error")
	}
	if _, err := characteristicclient.New("not a url", staticToken(""), nil); err == nil {
		t.Fatal("a relative URL was accepted")
	}
}
