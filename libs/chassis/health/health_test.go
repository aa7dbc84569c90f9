package health

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
)

func TestReadyIs503WhileADependencyIsDown(t *testing.T) {
	t.Parallel()
	reg := New("svc")
	reg.Add("postgres", func(context.Context) error { return nil })
	reg.Add("rabbitmq", func(context.Context) error { return errors.New("connection refused") })
	r := chi.NewRouter()
	reg.Mount(r)

	for path, want := range map[string]int{"/health": 200, "/health/ready": 503} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Fatalf("%s = %d, want %d", path, rec.Code, want)
		}
		var rep Report
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Status != "degraded" || rep.Dependencies["postgres"].Status != "up" || rep.Dependencies["rabbitmq"].Error == "" {
			t.Fatalf("%s report %+v", path, rep)
		}
	}
}
