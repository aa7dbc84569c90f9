package grpcapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/engine/internal/opsapi"
	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/auth/authtest"
)

// The ops API is tested here, beside the gRPC tests, because it shows state that the Zeebe
// client produces.

func opsServer(t *testing.T, h *harness) *httptest.Server {
	r := chi.NewRouter()
	opsapi.New(h.eng, testLogger()).Mount(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func call(t *testing.T, method, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func TestOpsAPIShowsDefinitionsInstancesAndIncidents(t *testing.T) {
	h := newHarness(t)
	srv := opsServer(t, h)
	p := h.deploy("ops.bpmn", process("ops", []string{"work"}, ""))
	key := h.create("ops", map[string]any{"x": 1})
	j := h.activateOne("work")
	if _, err := h.client.NewFailJobCommand().JobKey(j.Key).Retries(0).ErrorMessage("broken").Send(ctxT(t)); err != nil {
		t.Fatal(err)
	}

	code, body := call(t, "GET", srv.URL+"/api/definitions")
	if code != 200 || !strings.Contains(string(body), `"bpmn_process_id":"ops"`) {
		t.Fatalf("definitions %d %s", code, body)
	}
	code, body = call(t, "GET", srv.URL+"/api/definitions/"+strconv.FormatInt(p.GetProcessDefinitionKey(), 10)+"/xml")
	if code != 200 || !strings.Contains(string(body), `<bpmn:process id="ops"`) {
		t.Fatalf("xml %d %s", code, body)
	}
	code, body = call(t, "GET", srv.URL+"/api/instances?state=ACTIVE&limit=10")
	var page struct {
		Items []struct {
			Key       int64 `json:"key"`
			Incidents int   `json:"incidents"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal(body, &page); err != nil || code != 200 || page.Total != 1 || page.Items[0].Key != key || page.Items[0].Incidents != 1 {
		t.Fatalf("instances %d %s", code, body)
	}
	code, body = call(t, "GET", srv.URL+"/api/instances/"+strconv.FormatInt(key, 10))
	var detail struct {
		Current   []string `json:"current_element_ids"`
		Variables map[string]any
		Elements  []struct {
			ElementID string    `json:"element_id"`
			StartedAt time.Time `json:"started_at"`
		} `json:"elements"`
		IncidentList []struct {
			Key int64 `json:"key"`
		} `json:"incident_list"`
	}
	if err := json.Unmarshal(body, &detail); err != nil || code != 200 {
		t.Fatalf("instance %d %s", code, body)
	}
	if len(detail.Current) != 1 || detail.Current[0] != "task0" || detail.Variables["x"] != 1.0 || len(detail.Elements) != 2 || detail.Elements[0].StartedAt.IsZero() {
		t.Fatalf("instance detail %s", body)
	}
	code, body = call(t, "GET", srv.URL+"/api/incidents?state=ACTIVE")
	if code != 200 || !strings.Contains(string(body), `"error_type":"JOB_NO_RETRIES"`) {
		t.Fatalf("incidents %d %s", code, body)
	}

	code, body = call(t, "POST", srv.URL+"/api/incidents/"+strconv.FormatInt(detail.IncidentList[0].Key, 10)+"/resolve")
	if code != http.StatusNoContent {
		t.Fatalf("resolve %d %s", code, body)
	}
	if again := h.activateOne("work"); again.Retries != 1 {
		t.Fatalf("retried job has %d retries, want 1", again.Retries)
	}
	code, _ = call(t, "POST", srv.URL+"/api/instances/"+strconv.FormatInt(key, 10)+"/cancel")
	if code != 200 {
		t.Fatalf("cancel %d", code)
	}
	h.waitState(key, "CANCELED")
}

func TestOpsAPIAnswersErrorsWithTheEnvelope(t *testing.T) {
	h := newHarness(t)
	srv := opsServer(t, h)
	tests := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"an unknown instance is 404", "GET", "/api/instances/99", 404, "NOT_FOUND"},
		{"a non-numeric key is 422", "GET", "/api/instances/abc", 422, "VALIDATION_ERROR"},
		{"an unknown state filter is 422", "GET", "/api/instances?state=RUNNING", 422, "VALIDATION_ERROR"},
		{"a limit out of range is 422", "GET", "/api/instances?limit=0", 422, "VALIDATION_ERROR"},
		{"cancelling an unknown instance is 404", "POST", "/api/instances/99/cancel", 404, "NOT_FOUND"},
		{"resolving an unknown incident is 404", "POST", "/api/incidents/99/resolve", 404, "NOT_FOUND"},
		{"xml of an unknown definition is 404", "GET", "/api/definitions/99/xml", 404, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := call(t, tt.method, srv.URL+tt.path)
			if code != tt.status || !strings.Contains(string(body), `"code":"`+tt.code+`"`) {
				t.Fatalf("%s %s = %d %s", tt.method, tt.path, code, body)
			}
		})
	}
}

func TestOpsAPIRequiresAnAdminTokenWhenGuarded(t *testing.T) {
	h := newHarness(t)
	issuer := authtest.NewIssuer(t)
	v, err := auth.NewVerifier(issuer.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	opsapi.New(h.eng, testLogger()).Mount(r, auth.Middleware(v, nil), auth.RequireRole(auth.RoleAdmin))
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	tests := []struct {
		name   string
		token  string
		status int
	}{
		{"no token is 401", "", http.StatusUnauthorized},
		{"a user token is 403", issuer.Token(auth.RoleUser), http.StatusForbidden},
		{"an admin token is 200", issuer.Token(auth.RoleAdmin), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(ctxT(t), "GET", srv.URL+"/api/instances", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
}
