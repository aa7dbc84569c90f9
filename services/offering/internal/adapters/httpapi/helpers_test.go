package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/auth/authtest"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
)

// env is one component under test: real router, real database, tokens from a test issuer.
type env struct {
	t      *testing.T
	pool   *pgxpool.Pool
	h      http.Handler
	svc    *app.Service
	issuer *authtest.Issuer
	saga   *fakeSaga
	// headers are added to every request (e.g. If-Match); tests set and clear them.
	headers map[string]string
}

func newEnv(t *testing.T, wrap func(app.Store) app.Store) *env {
	t.Helper()
	sqlFS, extra, err := postgres.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, sqlFS, extra...)
	var store app.Store = postgres.NewStore(pool)
	if wrap != nil {
		store = wrap(store)
	}
	iss := authtest.NewIssuer(t)
	saga := &fakeSaga{}
	svc := app.New(store, saga)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := httpapi.NewHandler(httpapi.Config{Service: svc, Verifier: iss.Verifier(), Log: log})
	return &env{t: t, pool: pool, h: h, svc: svc, issuer: iss, saga: saga}
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

type envelope struct {
	Error struct {
		Code          string `json:"code"`
		Message       string `json:"message"`
		CorrelationID string `json:"correlation_id"`
		Details       []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"details"`
	} `json:"error"`
}

// do sends a request as role ("" = no token); body may be a string (raw) or any value (JSON).
func (e *env) do(method, path, role string, body any) response {
	e.t.Helper()
	token := ""
	if role != "" {
		token = e.issuer.Token(role)
	}
	return e.doToken(method, path, token, body)
}

// doToken sends a request with the bearer token ("" = none).
func (e *env) doToken(method, path, token string, body any) response {
	e.t.Helper()
	var rdr io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rdr = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rdr = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rdr)
	for k, v := range e.headers {
		req.Header.Set(k, v)
	}
	if rdr != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// expectError checks the status, the envelope code and a correlation id.
func expectError(t *testing.T, r response, status int, code string) envelope {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	var env envelope
	r.json(t, &env)
	if env.Error.Code != code || env.Error.Message == "" || env.Error.CorrelationID == "" {
		t.Fatalf("envelope %s, want code %s with message and correlation id", r.Body, code)
	}
	return env
}

func fields(env envelope) []string {
	var out []string
	for _, d := range env.Error.Details {
		out = append(out, d.Field)
	}
	return out
}

func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// outboxEvents returns the event types stored for entity, oldest first, with their versions.
func (e *env) outboxEvents(entity string) []string {
	e.t.Helper()
	rows, err := e.pool.Query(context.Background(),
		`SELECT event_type || ':' || entity_version FROM outbox WHERE entity_id = $1 ORDER BY id`, entity)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// failAfterWrite runs the use case's whole unit of work, then fails before commit.
type failAfterWrite struct{ app.Store }

var errForced = errors.New("forced failure after the write")

func (f failAfterWrite) InTx(ctx context.Context, fn func(ctx context.Context, tx app.Tx) error) error {
	return f.Store.InTx(ctx, func(ctx context.Context, tx app.Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return errForced
	})
}

var (
	admin   = auth.RoleAdmin
	user    = auth.RoleUser
	service = auth.RoleService
)

// fakeSaga is the SagaStarter port: it records starts and fails when err is set.
type fakeSaga struct {
	mu     sync.Mutex
	err    error
	starts []app.PublicationStart
	// onStart, when set, runs at the start call (e.g. to observe what is committed by then).
	onStart func(app.PublicationStart)
}

func (f *fakeSaga) StartPublication(_ context.Context, s app.PublicationStart) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.onStart != nil {
		f.onStart(s)
	}
	if f.err != nil {
		return 0, f.err
	}
	f.starts = append(f.starts, s)
	return int64(1000 + len(f.starts)), nil
}

func (f *fakeSaga) fail(err error) { f.mu.Lock(); f.err = err; f.mu.Unlock() }

func (f *fakeSaga) started() []app.PublicationStart {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]app.PublicationStart(nil), f.starts...)
}

// checkContract validates a success body against the reference schema.
func checkContract(t *testing.T, method, route string, r response) {
	t.Helper()
	contract(t, method, route, r)
}
