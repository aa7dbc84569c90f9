package cors

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestMiddleware(t *testing.T) {
	t.Parallel()
	p := New([]string{"http://localhost:3000", "http://127.0.0.1:3000/"})
	h := p.Middleware(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusForbidden) })(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	tests := []struct {
		name       string
		method     string
		origin     string
		preflight  bool
		wantStatus int
		wantAllow  string
	}{
		{"a preflight from the web origin is answered", http.MethodOptions, "http://localhost:3000", true, http.StatusNoContent, "http://localhost:3000"},
		{"a configured origin with a trailing slash still matches", http.MethodOptions, "http://127.0.0.1:3000", true, http.StatusNoContent, "http://127.0.0.1:3000"},
		{"a preflight from another origin is refused", http.MethodOptions, "http://evil.example", true, http.StatusForbidden, ""},
		{"a request from the web origin gets the header", http.MethodGet, "http://localhost:3000", false, http.StatusTeapot, "http://localhost:3000"},
		{"a request from another origin gets no header", http.MethodGet, "http://evil.example", false, http.StatusTeapot, ""},
		{"a request without an origin passes untouched", http.MethodGet, "", false, http.StatusTeapot, ""},
		{"a plain OPTIONS without a preflight header is passed on", http.MethodOptions, "http://localhost:3000", false, http.StatusTeapot, "http://localhost:3000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tt.method, "/api/v1/prices", nil)
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if tt.preflight {
				r.Header.Set("Access-Control-Request-Method", "POST")
				r.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
				t.Fatalf("Allow-Origin %q, want %q", got, tt.wantAllow)
			}
			if tt.preflight && tt.wantStatus == http.StatusNoContent &&
				w.Header().Get("Access-Control-Allow-Headers") != "authorization, content-type" {
				t.Fatalf("Allow-Headers %q", w.Header().Get("Access-Control-Allow-Headers"))
			}
		})
	}
}

func FuzzRequestedHeaders(f *testing.F) {
	for _, s := range []string{"authorization, content-type", "", "x\r\ny", "a,,b", "traceparent", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, requested string) {
		got := RequestedHeaders(requested)
		for i := 0; i < len(got); i++ {
			if c := got[i]; c < 0x20 || c == 0x7f {
				t.Fatalf("RequestedHeaders(%q) = %q holds a control character", requested, got)
			}
		}
	})
}
