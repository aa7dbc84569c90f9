package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/apicontract"
	"github.com/tmfcatalog/platform/libs/auth/authtest"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/migrations"

	"github.com/tmfcatalog/platform/services/characteristic/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/characteristic/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
)

// fixture is one component under test: the real router over a fresh database.
type fixture struct {
	t       *testing.T
	pool    *pgxpool.Pool
	issuer  *authtest.Issuer
	handler http.Handler
	svc     *app.Service
	// contract is the reference OpenAPI document every success response is checked against.
	contract *apicontract.Contract
	// own is the service's own document every /api answer is checked against.
	own *ownDoc
}

func newFixture(t *testing.T, w postgres.OutboxWriter) *fixture {
	t.Helper()
	migs, err := migrations.For("characteristic")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, migs, postgres.LibMigrations()...)
	return newFixtureOn(t, pool, w)
}

func newFixtureOn(t *testing.T, pool *pgxpool.Pool, w postgres.OutboxWriter) *fixture {
	t.Helper()
	issuer := authtest.NewIssuer(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := app.New(postgres.NewRepository(pool, w), postgres.NewReferences(pool))
	h := httpapi.NewRouter(httpapi.RouterConfig{Service: svc, Verifier: issuer.Verifier(), Log: log})
	return &fixture{t: t, pool: pool, issuer: issuer, handler: h, svc: svc,
		contract: apicontract.Load(t, "characteristic"), own: loadOwnDoc(t, h)}
}

// response is a recorded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request with a token for role ("" = no token) and optional extra headers.
func (f *fixture) do(t *testing.T, role, method, path string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+f.issuer.Token(role))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	if strings.HasPrefix(path, "/api/") {
		f.own.check(t, method, path, rec.Code, rec.Body.Bytes())
		if rec.Code < 300 {
			f.contract.Check(t, method, path, rec.Code, rec.Body.Bytes())
		}
	}
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// characteristic is the read shape as a test sees it.
type characteristic struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Value         string `json:"value"`
	UnitOfMeasure string `json:"unit_of_measure"`
	Version       int64  `json:"version"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
}

// envelope is the error body as a test sees it.
type envelope struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"details"`
		CorrelationID string `json:"correlation_id"`
	} `json:"error"`
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	return v
}

// expectError checks status, code and (when given) the exact list of named fields.
func expectError(t *testing.T, r response, status int, code string, fields ...string) envelope {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	env := decode[envelope](t, r)
	if env.Error.Code != code || env.Error.Message == "" || env.Error.CorrelationID == "" {
		t.Fatalf("envelope = %+v, want code %s with message and correlation id", env.Error, code)
	}
	if len(fields) > 0 {
		var got []string
		for _, d := range env.Error.Details {
			got = append(got, d.Field)
		}
		if len(got) != len(fields) {
			t.Fatalf("fields = %v, want %v", got, fields)
		}
		for i := range fields {
			if got[i] != fields[i] {
				t.Fatalf("fields = %v, want %v", got, fields)
			}
		}
	}
	return env
}

// create makes a characteristic as ADMIN and returns it.
func (f *fixture) create(name, value, unit string) characteristic {
	f.t.Helper()
	r := f.do(f.t, "ADMIN", http.MethodPost, "/api/v1/characteristics",
		map[string]string{"name": name, "value": value, "unit_of_measure": unit})
	if r.Status != http.StatusCreated {
		f.t.Fatalf("create %s: status %d body %s", name, r.Status, r.Body)
	}
	return decode[characteristic](f.t, r)
}

// outboxRow is one stored event.
type outboxRow struct {
	Topic, EventType, EntityID string
	EntityVersion              int64
	Payload                    map[string]any
}

// outboxEvents returns the outbox rows for entity in insertion order.
func (f *fixture) outboxEvents(entity string) []outboxRow {
	f.t.Helper()
	rows, err := f.pool.Query(context.Background(),
		`SELECT topic, event_type, entity_id, entity_version, payload FROM outbox WHERE entity_id = $1 ORDER BY id`, entity)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.Topic, &r.EventType, &r.EntityID, &r.EntityVersion, &r.Payload); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return out
}

// count runs a COUNT(*) query.
func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// reference records that spec references chars at version (as the consumer would).
func (f *fixture) reference(spec uuid.UUID, version int64, deleted bool, chars ...string) {
	f.t.Helper()
	ids := make([]uuid.UUID, len(chars))
	for i, c := range chars {
		ids[i] = uuid.MustParse(c)
	}
	_, err := f.svc.RecordSpecification(context.Background(), "characteristic", uuid.NewString(),
		app.SpecificationRef{SpecificationID: spec, CharacteristicIDs: ids, Version: version, Deleted: deleted})
	if err != nil {
		f.t.Fatal(err)
	}
}
