package writeapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/writeapi"
)

// writeSide fakes identity's token endpoint and the four list endpoints; every list call must
// carry the service token.
func writeSide(t *testing.T, prices int) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+auth.TokenPath, func(w http.ResponseWriter, r *http.Request) {
		id, secret, ok := r.BasicAuth()
		if !ok || id != "store-query" || secret != "dev-secret-store-query" {
			http.Error(w, "bad client", http.StatusUnauthorized)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "svc-token", "token_type": "Bearer", "expires_in": 300})
	})
	page := func(all []map[string]any) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer svc-token" {
				http.Error(w, "no token", http.StatusUnauthorized)
				return
			}
			skip, _ := strconv.Atoi(r.URL.Query().Get("skip"))
			limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			if limit < 1 || limit > 1000 {
				http.Error(w, "bad limit", http.StatusUnprocessableEntity)
				return
			}
			end := min(skip+limit, len(all))
			_ = json.NewEncoder(w).Encode(all[min(skip, end):end])
		}
	}
	var ps []map[string]any
	for i := range prices {
		ps = append(ps, map[string]any{"id": fmt.Sprintf("p%d", i), "name": "Fee", "value": "12.50", "unit": "month", "currency": "EUR", "version": 2})
	}
	mux.HandleFunc("GET /api/v1/prices", page(ps))
	mux.HandleFunc("GET /api/v1/characteristics", page([]map[string]any{{"id": "c1", "name": "Speed", "value": "100", "unit_of_measure": "MBPS", "version": 3}}))
	mux.HandleFunc("GET /api/v1/specifications", page([]map[string]any{{"id": "s1", "name": "Spec", "characteristic_ids": []string{"c1"}, "version": 1}}))
	mux.HandleFunc("GET /api/v1/offerings", page([]map[string]any{{"id": "o1", "name": "Plan", "description": nil, "specification_ids": []string{"s1"},
		"pricing_ids": []string{"p0"}, "sales_channels": []string{"online"}, "lifecycle_status": "PUBLISHED", "published_at": "2026-01-18T00:00:00Z", "version": 5}}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSourceReadsEveryPageWithAServiceToken(t *testing.T) {
	srv := writeSide(t, 2345)
	tokens := auth.NewServiceTokenSource(srv.URL, "store-query", "dev-secret-store-query", nil)
	hc := &http.Client{Transport: tokens.Transport(nil)}
	src := writeapi.New(writeapi.URLs{Characteristic: srv.URL, Specification: srv.URL, Pricing: srv.URL, Offering: srv.URL}, hc)
	ctx := context.Background()

	prices, err := src.Prices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(prices) != 2345 || prices[2344].ID != "p2344" || prices[0].Value != 12.5 || prices[0].Version != 2 {
		t.Fatalf("prices: %d, first %+v", len(prices), prices[0])
	}
	chars, err := src.Characteristics(ctx)
	if err != nil || len(chars) != 1 || chars[0].Unit != "MBPS" || chars[0].Version != 3 {
		t.Fatalf("characteristics %+v, %v", chars, err)
	}
	specs, err := src.Specifications(ctx)
	if err != nil || len(specs) != 1 || specs[0].CharacteristicIDs[0] != "c1" {
		t.Fatalf("specifications %+v, %v", specs, err)
	}
	offs, err := src.Offerings(ctx)
	if err != nil || len(offs) != 1 || offs[0].Status != "PUBLISHED" || offs[0].PublishedAt == nil || offs[0].Version != 5 {
		t.Fatalf("offerings %+v, %v", offs, err)
	}
}

func TestSourceFailsOnARejectedToken(t *testing.T) {
	srv := writeSide(t, 1)
	tokens := auth.NewServiceTokenSource(srv.URL, "store-query", "wrong", nil)
	src := writeapi.New(writeapi.URLs{Pricing: srv.URL}, &http.Client{Transport: tokens.Transport(nil)})
	_, err := src.Prices(context.Background())
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("error = %v, want the 401 reported", err)
	}
}
