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
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/libs/apicontract"
	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/auth/authtest"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/migrations"

	"github.com/tmfcatalog/platform/services/specification/internal/adapters/characteristicclient"
	"github.com/tmfcatalog/platform/services/specification/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/specification/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// remoteCharacteristics fakes the characteristic service's GET /api/v1/characteristics/{id}:
// it answers only SERVICE tokens of the issuer and counts lookups per id.
type remoteCharacteristics struct {
	mu      sync.Mutex
	known   map[string]map[string]any
	lookups map[string]int
	broken  bool
}

func (rc *remoteCharacteristics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/api/v1/characteristics/")
	p, ok := auth.PrincipalFrom(r.Context())
	if !ok || p.Role != auth.RoleService {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.lookups[id]++
	if rc.broken {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	c, ok := rc.known[id]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(c)
}

func (rc *remoteCharacteristics) add(id uuid.UUID, name string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.known[id.String()] = map[string]any{"id": id.String(), "name": name, "value": "10", "unit_of_measure": "GB", "version": 2,
		"created_at": "2026-01-18T00:00:00Z", "updated_at": "2026-01-18T00:00:00Z"}
}

func (rc *remoteCharacteristics) count(id uuid.UUID) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.lookups[id.String()]
}

func (rc *remoteCharacteristics) setBroken(b bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.broken = b
}

// fixture is one component under test: the real router over a fresh database, with a fake
// characteristic service behind the directory client.
type fixture struct {
	t        *testing.T
	pool     *pgxpool.Pool
	issuer   *authtest.Issuer
	handler  http.Handler
	svc      *app.Service
	remote   *remoteCharacteristics
	contract *apicontract.Contract
	own      *ownDoc
}

func newFixture(t *testing.T, w postgres.OutboxWriter) *fixture {
	t.Helper()
	migs, err := migrations.For("specification")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, migs, postgres.LibMigrations()...)
	return newFixtureOn(t, pool, w)
}

func newFixtureOn(t *testing.T, pool *pgxpool.Pool, w postgres.OutboxWriter) *fixture {
	t.Helper()
	issuer := authtest.NewIssuer(t)
	issuer.AddClient("specification", "dev-secret-specification")
	remote := &remoteCharacteristics{known: map[string]map[string]any{}, lookups: map[string]int{}}
	remoteServer := httptest.NewServer(auth.Middleware(issuer.Verifier(), nil)(remote))
	t.Cleanup(remoteServer.Close)
	tokens := auth.NewServiceTokenSource(issuer.URL(), "specification", "dev-secret-specification", nil)
	directory, err := characteristicclient.New(remoteServer.URL, tokens, nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := app.New(postgres.NewRepository(pool, w), postgres.NewReplica(pool), directory, postgres.NewOfferings(pool))
	h := httpapi.NewRouter(httpapi.RouterConfig{Service: svc, Verifier: issuer.Verifier(), Log: log})
	return &fixture{t: t, pool: pool, issuer: issuer, handler: h, svc: svc, remote: remote,
		contract: apicontract.Load(t, "specification"), own: loadOwnDoc(t, h)}
}

// response is a recorded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends a request with a token for role ("" = no token) and optional extra headers;
// every success answer of an /api route is checked against the reference contract.
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

// specification is the read shape as a test sees it.
type specification struct {
	ID                string   `json:"id"`
	Name              string   `json:"name"`
	CharacteristicIDs []string `json:"characteristic_ids"`
	Version           int64    `json:"version"`
	CreatedAt         string   `json:"created_at"`
	UpdatedAt         string   `json:"updated_at"`
	Characteristics   []struct {
		ID            string `json:"id"`
		Name          string `json:"name"`
		Value         string `json:"value"`
		UnitOfMeasure string `json:"unit_of_measure"`
	} `json:"characteristics"`
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
		if strings.Join(got, ",") != strings.Join(fields, ",") {
			t.Fatalf("fields = %v, want %v", got, fields)
		}
	}
	return env
}

// characteristic replicates a characteristic as the consumer would and returns its id.
func (f *fixture) characteristic(name, value, unit string) uuid.UUID {
	f.t.Helper()
	id := uuid.New()
	_, err := f.svc.ReplicateCharacteristic(context.Background(), "specification", uuid.NewString(),
		domain.Characteristic{ID: id, Name: name, Value: value, Unit: unit, Version: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// offering records an offering's state as the consumer would.
func (f *fixture) offering(id uuid.UUID, version int64, status domain.LifecycleStatus, specs ...string) {
	f.t.Helper()
	ids := make([]uuid.UUID, len(specs))
	for i, s := range specs {
		ids[i] = uuid.MustParse(s)
	}
	_, err := f.svc.RecordOffering(context.Background(), "specification", uuid.NewString(),
		domain.OfferingRef{OfferingID: id, Status: status, SpecificationIDs: ids, Version: version})
	if err != nil {
		f.t.Fatal(err)
	}
}

// create makes a specification as ADMIN and returns it.
func (f *fixture) create(t *testing.T, name string, chars ...uuid.UUID) specification {
	t.Helper()
	ids := make([]string, len(chars))
	for i, c := range chars {
		ids[i] = c.String()
	}
	r := f.do(t, "ADMIN", http.MethodPost, "/api/v1/specifications", map[string]any{"name": name, "characteristic_ids": ids})
	if r.Status != http.StatusCreated {
		t.Fatalf("create %s: status %d body %s", name, r.Status, r.Body)
	}
	return decode[specification](t, r)
}

// outboxRow is one stored event.
type outboxRow struct {
	Topic, EventType string
	EntityVersion    int64
	Payload          map[string]any
}

func (f *fixture) outboxEvents(t *testing.T, entity string) []outboxRow {
	t.Helper()
	rows, err := f.pool.Query(context.Background(),
		`SELECT topic, event_type, entity_version, payload FROM outbox WHERE entity_id = $1 ORDER BY id`, entity)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.Topic, &r.EventType, &r.EntityVersion, &r.Payload); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
