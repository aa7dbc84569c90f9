package devstack

import (
	"context"
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
	amqp "github.com/rabbitmq/amqp091-go"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/deploy/devstack/seed"
	"github.com/tmfcatalog/platform/libs/ferret"
)

const localPostgres = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// scratchDB creates name with the given statements run in it.
func scratchDB(t *testing.T, ctx context.Context, name string, stmts ...string) {
	t.Helper()
	admin, err := pgx.Connect(ctx, localPostgres)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:5432/"+name+"?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func countRows(t *testing.T, ctx context.Context, db, table string) int {
	t.Helper()
	conn, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:5432/"+db+"?sslmode=disable")
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

// withStore runs f against the read store kept in dir by an embedded FerretDB.
func withStore(t *testing.T, ctx context.Context, dir string, f func(*mongo.Client)) {
	t.Helper()
	srv, err := ferret.Start(ctx, dir, "127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	client, err := mongo.Connect(ctx, options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	f(client)
}

// TestCleanEmptiesEveryStoreOfAStoppedStackButKeepsUsersAndSchemaVersions fills scratch
// databases, a read store, a search index folder and namespaced queues the way a stack with
// a suffix would, cleans, and finds everything empty except the kept tables.
func TestCleanEmptiesEveryStoreOfAStoppedStackButKeepsUsersAndSchemaVersions(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	suffix := randomSuffix()
	ns := "clean" + suffix
	t.Cleanup(func() {
		if err := DropDatabases(context.Background(), "", suffix); err != nil {
			t.Error(err)
		}
	})
	scratchDB(t, ctx, "characteristic_db"+suffix,
		"CREATE TABLE goose_db_version (id serial PRIMARY KEY, version_id bigint)",
		"INSERT INTO goose_db_version (version_id) VALUES (0), (1)",
		"CREATE TABLE characteristics (id serial PRIMARY KEY, name text)",
		"CREATE TABLE specification_references (id serial PRIMARY KEY, char_id int REFERENCES characteristics (id))",
		"INSERT INTO characteristics (name) VALUES ('Download speed'), ('Upload speed')",
		"INSERT INTO specification_references (char_id) VALUES (1)")
	scratchDB(t, ctx, "identity_db"+suffix,
		"CREATE TABLE users (id serial PRIMARY KEY, username text)",
		"INSERT INTO users (username) VALUES ('admin'), ('user')",
		"CREATE TABLE outbox (id serial PRIMARY KEY)",
		"INSERT INTO outbox DEFAULT VALUES")

	data := t.TempDir()
	withStore(t, ctx, filepath.Join(data, "ferretdb"), func(c *mongo.Client) {
		if _, err := c.Database("store"+suffix).Collection("store_offerings").InsertOne(ctx, bson.M{"name": "Fiber"}); err != nil {
			t.Fatal(err)
		}
	})
	if err := os.MkdirAll(filepath.Join(data, "search", "index"), 0o755); err != nil {
		t.Fatal(err)
	}

	conn, err := amqp.Dial("amqp://guest:guest@127.0.0.1:5672/")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	queues := []string{ns + ".pricing", ns + ".store-query.dlq"}
	t.Cleanup(func() {
		for _, q := range queues {
			_, _ = ch.QueueDelete(q, false, false, false)
		}
	})
	for _, q := range queues {
		if _, err := ch.QueueDeclare(q, true, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := ch.PublishWithContext(ctx, "", q, false, false, amqp.Publishing{Body: []byte("{}")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Publishing is asynchronous: wait until the broker counts the messages.
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for _, q := range queues {
		for {
			st, err := ch.QueueDeclarePassive(q, true, false, false, false, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st.Messages == 3 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s holds %d messages, want 3", q, st.Messages)
			}
			<-tick.C
		}
	}

	rep, err := Clean(ctx, CleanOptions{Suffix: suffix, Namespace: ns, DataDir: data})
	if err != nil {
		t.Fatalf("clean: %v", err)
	}

	for _, c := range []struct {
		db, table string
		want      int
	}{
		{"characteristic_db" + suffix, "characteristics", 0},
		{"characteristic_db" + suffix, "specification_references", 0},
		{"characteristic_db" + suffix, "goose_db_version", 2},
		{"identity_db" + suffix, "outbox", 0},
		{"identity_db" + suffix, "users", 2},
	} {
		if got := countRows(t, ctx, c.db, c.table); got != c.want {
			t.Errorf("%s.%s holds %d rows after clean, want %d", c.db, c.table, got, c.want)
		}
	}
	if !slices.Contains(rep.Missing, "offering_db"+suffix) {
		t.Errorf("missing databases %v do not name offering_db%s", rep.Missing, suffix)
	}
	for _, q := range queues {
		st, err := ch.QueueDeclarePassive(q, true, false, false, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Messages != 0 {
			t.Errorf("%s holds %d messages after clean", q, st.Messages)
		}
		if rep.Purged[q] != 3 {
			t.Errorf("report says %d messages purged from %s, want 3", rep.Purged[q], q)
		}
	}
	if !slices.Contains(rep.Missing, "queue "+ns+".offering") {
		t.Errorf("missing %v does not name the undeclared queue %s.offering", rep.Missing, ns)
	}
	if _, err := os.Stat(filepath.Join(data, "search")); !os.IsNotExist(err) {
		t.Errorf("search index folder still there (stat: %v)", err)
	}
	withStore(t, ctx, filepath.Join(data, "ferretdb"), func(c *mongo.Client) {
		names, err := c.ListDatabaseNames(ctx, bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(names, "store"+suffix) {
			t.Errorf("read store database store%s survived the clean: %v", suffix, names)
		}
	})
}

func TestCleanOfARunningStackLeavesTheSearchIndexAndSaysToRestart(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	data := t.TempDir()
	index := filepath.Join(data, "search")
	if err := os.MkdirAll(index, 0o755); err != nil {
		t.Fatal(err)
	}
	suffix := randomSuffix()
	rep, err := Clean(ctx, CleanOptions{Suffix: suffix, Namespace: "clean" + suffix, DataDir: data, Running: true})
	if err != nil {
		t.Fatalf("clean: %v", err)
	}
	if _, err := os.Stat(index); err != nil {
		t.Errorf("search index of a running stack was touched: %v", err)
	}
	if rep.SearchIndex != "" || len(rep.Notes) == 0 {
		t.Errorf("report = %+v, want no index removal and a restart note", rep)
	}
}

func TestQueueNamesFollowTheMessagingTopology(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ ns, want string }{
		{"", "store-query.dlq"},
		{"ds_1", "ds_1.store-query.dlq"},
		{"run-", "run-store-query.dlq"},
	} {
		if got := QueueNames(c.ns); !slices.Contains(got, c.want) || len(got) != 2*len(consumerGroups) {
			t.Errorf("QueueNames(%q) = %v, want it to hold %q", c.ns, got, c.want)
		}
	}
}

// TestSeedingTwiceLoadsOneCatalogPublishedToTheStoreAndCleanEmptiesIt starts a private stack,
// seeds the demo catalog twice (the second run creates nothing), finds the published offerings
// in the store search and the draft absent, then stops the stack and cleans its stores.
func TestSeedingTwiceLoadsOneCatalogPublishedToTheStoreAndCleanEmptiesIt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	suffix := randomSuffix()
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	stack, err := Start(ctx, Options{Dir: dir, RandomPorts: true, Suffix: suffix, Namespace: "seed" + suffix, Log: log})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, name := range stack.Components() {
				b, _ := os.ReadFile(stack.LogFile(name))
				t.Logf("--- %s log ---\n%s", name, tailLines(string(b), 12))
			}
		}
		_ = stack.Stop(context.Background())
		if err := DropDatabases(context.Background(), "", suffix); err != nil {
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
	rep, err := Clean(ctx, CleanOptions{Suffix: suffix, Namespace: "seed" + suffix, DataDir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatalf("clean: %v", err)
	}
	for _, c := range []struct{ db, table string }{
		{"characteristic_db", "characteristics"}, {"specification_db", "specifications"},
		{"pricing_db", "prices"}, {"offering_db", "offerings"}, {"saga_engine_db", "process_instances"},
	} {
		if n := countRows(t, ctx, c.db+suffix, c.table); n != 0 {
			t.Errorf("%s.%s holds %d rows after clean", c.db, c.table, n)
		}
	}
	if n := countRows(t, ctx, "identity_db"+suffix, "users"); n == 0 {
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

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
