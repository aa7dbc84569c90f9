package apierror

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
)

var (
	errMissing = errors.New("offering not found")
	errLocked  = errors.New("price is locked")
)

type lockedError struct{ ID string }

func (e lockedError) Error() string { return "price " + e.ID + " is held by a saga" }

func envelopeOf(t *testing.T, rec *httptest.ResponseRecorder) Body {
	t.Helper()
	var env Envelope
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("body %q is not an envelope: %v", rec.Body.String(), err)
	}
	return env.Error
}

func TestMapperTurnsErrorsIntoTheEnvelope(t *testing.T) {
	t.Parallel()
	m := NewMapper(slog.New(slog.NewTextHandler(io.Discard, nil)),
		Is(errMissing, http.StatusNotFound, CodeNotFound),
		As[lockedError](http.StatusLocked, CodeLocked),
		Is(errLocked, http.StatusServiceUnavailable, CodeUnavailable),
	)
	tests := []struct {
		name       string
		err        error
		status     int
		code       string
		message    string
		retryAfter string
	}{
		{"a wrapped sentinel maps through errors.Is", fmt.Errorf("get: %w", errMissing), 404, CodeNotFound, "get: offering not found", ""},
		{"a wrapped typed error maps through errors.As", fmt.Errorf("put: %w", lockedError{"p1"}), 423, CodeLocked, "put: price p1 is held by a saga", ""},
		{"a validation error is a 422 naming fields", Invalid("name", "is required"), 422, CodeValidation, "request validation failed", ""},
		{"a ready-made error keeps its status and retry hint", &Error{Status: 429, Code: CodeRateLimited, Message: "slow down", RetryAfter: 7}, 429, CodeRateLimited, "slow down", "7"},
		{"an unavailable dependency asks to retry later", errLocked, 503, CodeUnavailable, "price is locked", "5"},
		{"a body over the limit is a 413", &http.MaxBytesError{Limit: 10}, 413, CodePayloadTooLarge, "request body too large", ""},
		{"an unknown error is a 500 that hides its cause", errors.New("pq: connection refused at 10.0.0.1"), 500, CodeInternal, "internal error", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "/x", nil)
			req = req.WithContext(correlation.With(req.Context(), "cid-42"))
			rec := httptest.NewRecorder()
			m.Write(rec, req, tc.err)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d", rec.Code, tc.status)
			}
			body := envelopeOf(t, rec)
			if body.Code != tc.code || body.Message != tc.message || body.CorrelationID != "cid-42" {
				t.Fatalf("envelope = %+v", body)
			}
			if got := rec.Header().Get("Retry-After"); got != tc.retryAfter {
				t.Fatalf("Retry-After = %q, want %q", got, tc.retryAfter)
			}
		})
	}
}

type createCmd struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func TestDecodeJSONRefusesBadBodiesNamingTheField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, contentType, field string
		status                         int
	}{
		{"malformed JSON", `{"name":`, "application/json", "body", 422},
		{"an empty body", ``, "application/json", "body", 422},
		{"a wrong type names the field", `{"name":"a","count":"three"}`, "application/json", "count", 422},
		{"an unknown field is refused", `{"name":"a","colour":"red"}`, "application/json", "colour", 422},
		{"two JSON values are refused", `{"name":"a"}{"name":"b"}`, "application/json", "body", 422},
		{"a non-JSON content type is refused", `{"name":"a"}`, "text/plain", "", 415},
	}
	m := NewMapper(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			var cmd createCmd
			err := DecodeJSON(req, &cmd)
			if err == nil {
				t.Fatal("want an error")
			}
			rec := httptest.NewRecorder()
			m.Write(rec, req, err)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d (%v)", rec.Code, tc.status, err)
			}
			if tc.field == "" {
				return
			}
			var verr *ValidationError
			if !errors.As(err, &verr) || verr.Fields[0].Field != tc.field {
				t.Fatalf("error %v does not name field %q", err, tc.field)
			}
		})
	}
}

func TestDecodeJSONAcceptsAGoodBody(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"name":"fiber","count":2}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	var cmd createCmd
	if err := DecodeJSON(req, &cmd); err != nil {
		t.Fatal(err)
	}
	if cmd.Name != "fiber" || cmd.Count != 2 {
		t.Fatalf("decoded %+v", cmd)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"name":"a","count":1}`, `{`, `[]`, `{"count":1e999}`, `null`, `{"name":"\u0000"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		var cmd createCmd
		err := DecodeJSON(req, &cmd)
		var verr *ValidationError
		if err != nil && !errors.As(err, &verr) {
			t.Fatalf("decode error %v is not a validation error", err)
		}
	})
}

func TestWriteJSONSendsTheWholeBodyWithItsLength(t *testing.T) {
	big := strings.Repeat("x", 10_000) // past net/http's 2 KiB chunking threshold
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"name": big})
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.ContentLength != int64(len(body)) || len(resp.TransferEncoding) != 0 {
		t.Fatalf("Content-Length %d, transfer encoding %v, body %d bytes", resp.ContentLength, resp.TransferEncoding, len(body))
	}
	var got map[string]string
	if err := json.Unmarshal(body, &got); err != nil || got["name"] != big {
		t.Fatalf("body does not decode back: %v", err)
	}
}

func TestWriteJSONTurnsAnUnencodableValueIntoA500Envelope(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteJSON(rec, http.StatusOK, map[string]float64{"price": math.NaN()})
	var env Envelope
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	if rec.Code != http.StatusInternalServerError || env.Error.Code != CodeInternal {
		t.Fatalf("status %d, envelope %+v", rec.Code, env)
	}
}
