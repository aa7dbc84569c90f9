package seed_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/deploy/devstack"
	"github.com/tmfcatalog/platform/deploy/devstack/seed"
)

func TestDemoCatalogRefersOnlyToNamesItDefines(t *testing.T) {
	t.Parallel()
	if err := seed.Demo().Validate(); err != nil {
		t.Fatal(err)
	}
	broken := seed.Demo()
	broken.Offerings[0].Prices = append(broken.Offerings[0].Prices, "No such price")
	if err := broken.Validate(); err == nil {
		t.Fatal("a catalog naming an unknown price validates")
	}
}

// TestSeedingTwiceLoadsOneCatalogPublishedToTheStoreAndCleanEmptiesIt starts a private stack,
// seeds the demo catalog twice (the second run creates nothing), finds the published offerings
// in the store search and the draft absent, then stops the stack and cleans its stores.
func TestSeedingTwiceLoadsOneCatalogPublishedToTheStoreAndCleanEmptiesIt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	var b [4]byte
	_, _ = rand.Read(b[:])
	suffix := "_seed" + hex.EncodeToString(b[:])
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	stack, err := devstack.Start(ctx, devstack.Options{Dir: dir, RandomPorts: true, Suffix: suffix, Namespace: "seed" + suffix, Log: log})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		_ = stack.Stop(context.Background())
		if err := devstack.DropDatabases(context.Background(), "", suffix); err != nil {
			t.Error(err)
		}
	})

	cat := seed.Demo()
	sizes := map[string]int{"characteristic": len(cat.Characteristics), "specification": len(cat.Specifications),
		"price": len(cat.Prices), "offering": len(cat.Offerings)}
	opts := seed.Options{Gateway: stack.URL("gateway"), User: "admin", Password: "admin"}
	first, err := seed.Run(ctx, opts, cat)
	if err != nil {
		t.Fatalf("first seed: %v", err)
	}
	second, err := seed.Run(ctx, opts, cat)
	if err != nil {
		t.Fatalf("second seed: %v", err)
	}
	for kind, n := range sizes {
		if first.Created[kind] != n || first.Existing[kind] != 0 {
			t.Errorf("first run: %ss created %d, existing %d; want %d, 0", kind, first.Created[kind], first.Existing[kind], n)
		}
		if second.Created[kind] != 0 || second.Existing[kind] != n {
			t.Errorf("second run: %ss created %d, existing %d; want 0, %d", kind, second.Created[kind], second.Existing[kind], n)
		}
	}
	if len(first.Published) != 5 || len(first.Drafts) != 1 {
		t.Fatalf("first run published %d and left %d drafts, want 5 and 1", len(first.Published), len(first.Drafts))
	}
	if !slices.Equal(first.Published, second.Published) {
		t.Errorf("published ids differ between runs: %v, %v", first.Published, second.Published)
	}

	// The store learns of publications through events: poll its search.
	want := append(slices.Clone(first.Published), first.Drafts...)
	deadline := time.Now().Add(60 * time.Second)
	for {
		found, err := storeSearch(ctx, stack.URL("gateway"), "")
		if err != nil {
			t.Fatal(err)
		}
		missing := slices.DeleteFunc(slices.Clone(first.Published), func(id string) bool { return slices.Contains(found, id) })
		if len(missing) == 0 {
			if slices.Contains(found, first.Drafts[0]) {
				t.Errorf("the draft offering %s is in the store", first.Drafts[0])
			}
			if len(found) != len(first.Published) {
				t.Errorf("store search finds %d offerings, want %d: %v (seeded %v)", len(found), len(first.Published), found, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("published offerings %v not in the store search after 60s (found %v)", missing, found)
		}
		<-time.After(200 * time.Millisecond)
	}
	fiber, err := storeSearch(ctx, stack.URL("gateway"), "fiber")
	if err != nil {
		t.Fatal(err)
	}
	if len(fiber) != 3 {
		t.Errorf("search q=fiber finds %d offerings, want the 3 published fiber ones", len(fiber))
	}

	// A slow shutdown is store-query's business, not seeding's: note it and clean anyway
	// (Stop kills what ignores SIGTERM, so nothing holds the stores afterwards).
	if err := stack.Stop(ctx); err != nil {
		b, _ := os.ReadFile(stack.LogFile("store-query"))
		t.Logf("stop: %v; store-query log:\n%s", err, tailLines(string(b), 25))
	}
	rep, err := devstack.Clean(ctx, devstack.CleanOptions{Suffix: suffix, Namespace: "seed" + suffix, DataDir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatalf("clean: %v", err)
	}
	for _, c := range []struct{ db, table string }{
		{"characteristic_db", "characteristics"}, {"specification_db", "specifications"},
		{"pricing_db", "prices"}, {"offering_db", "offerings"}, {"saga_engine_db", "process_instances"},
	} {
		if n := count(t, ctx, stack.DatabaseURL(c.db), c.table); n != 0 {
			t.Errorf("%s.%s holds %d rows after clean", c.db, c.table, n)
		}
	}
	if n := count(t, ctx, stack.DatabaseURL("identity_db"), "users"); n == 0 {
		t.Error("clean removed the dev users")
	}
	if rep.MongoDB != "store"+suffix || rep.SearchIndex == "" {
		t.Errorf("clean report %+v: want the read store and the search index removed", rep)
	}
}

// storeSearch returns the ids the public store search finds for q.
func storeSearch(ctx context.Context, gateway, q string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, gateway+"/api/v1/store/search?limit=100&q="+q, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("store search = %s", resp.Status)
	}
	var body struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(body.Items))
	for _, it := range body.Items {
		ids = append(ids, it.ID)
	}
	return ids, nil
}

func count(t *testing.T, ctx context.Context, dbURL, table string) int {
	t.Helper()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
