package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/apicontract"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/httpapi"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/searchtest"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture is a running API over a real store (FerretDB) and a bleve index, seeded with the
// search contract's catalog under fresh UUIDs plus one pre-created (invisible) document.
type fixture struct {
	srv       *httptest.Server
	store     *mongo.Store
	index     *bleve.Index
	ids       map[string]string // catalog id (o1..o5) → uuid
	invisible string
	contract  *apicontract.Contract
}

func newFixture(t *testing.T, engine func(idx *bleve.Index) app.Searcher) *fixture {
	t.Helper()
	store, _ := storetest.NewStore(t)
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	ctx := context.Background()
	f := &fixture{store: store, index: idx, ids: map[string]string{}, contract: apicontract.Load(t, "store")}
	var docs []domain.Document
	for _, d := range searchtest.Catalog() {
		id := uuid.NewString()
		f.ids[d.ID] = id
		d.ID = id
		docs = append(docs, d)
		if err := store.Put(ctx, d, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Index(ctx, docs...); err != nil {
		t.Fatal(err)
	}
	hidden := searchtest.Doc(uuid.NewString(), "Hidden Fiber", "pre-created by the saga", 10, []string{"online"}, time.Now())
	hidden.Visible, hidden.Status, hidden.PublishedAt = false, domain.StatusPublishing, nil
	if err := store.Put(ctx, hidden, 0); err != nil {
		t.Fatal(err)
	}
	f.invisible = hidden.ID

	var searcher app.Searcher = idx
	if engine != nil {
		searcher = engine(idx)
	}
	log := storetest.Discard()
	reg := health.New(httpapi.ServiceName)
	reg.Add("mongodb", store.Ping)
	reg.Add("search", func(ctx context.Context) error {
		if p, ok := searcher.(interface{ Ping(context.Context) error }); ok {
			return p.Ping(ctx)
		}
		return nil
	})
	f.srv = httptest.NewServer(httpapi.NewHandler(httpapi.Config{Catalog: app.NewCatalog(searcher, store, log), Health: reg, Log: log}))
	t.Cleanup(f.srv.Close)
	return f
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (f *fixture) get(t *testing.T, path string) response {
	t.Helper()
	res, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode == http.StatusOK && len(path) > 7 && path[:7] == "/api/v1" {
		f.contract.Check(t, http.MethodGet, path, res.StatusCode, b)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

type errorBody struct {
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

// failing is a search engine that is down.
type failing struct{}

func (failing) Search(context.Context, domain.Query) (domain.Result, error) {
	return domain.Result{}, errors.New("connection refused")
}

func (failing) Ping(context.Context) error { return errors.New("connection refused") }
