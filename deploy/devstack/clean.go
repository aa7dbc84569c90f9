package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	amqp "github.com/rabbitmq/amqp091-go"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/libs/ferret"
)

// CleanOptions say which stack's stores Clean empties. The zero value means the `make dev`
// stack: local PostgreSQL and RabbitMQ, no suffix, no namespace, data in <Root>/data.
type CleanOptions struct {
	PostgresURL string // server URL; default postgres://postgres@127.0.0.1:5432/?sslmode=disable
	AMQPURL     string // default amqp://guest:guest@127.0.0.1:5672/
	Suffix      string // the stack's database suffix
	Namespace   string // the stack's EVENT_NAMESPACE
	DataDir     string // the stack's data folder (FerretDB files in ferretdb/, search index in search/)
	// MongoURI is the running stack's read store. Empty: when DataDir/ferretdb exists, an
	// embedded FerretDB is started over it for the time of the clean.
	MongoURI      string
	MongoDatabase string // default "store" + Suffix
	// Running says the stack is up: the search index is then left alone (its folder belongs to
	// the store-query process) and the report asks for a restart.
	Running bool
	Log     *slog.Logger
}

// CleanReport says what Clean emptied.
type CleanReport struct {
	Truncated   map[string][]string // database → tables emptied
	Kept        map[string][]string // database → tables deliberately kept
	Missing     []string            // databases or queues that do not exist (nothing to clean)
	MongoDB     string              // the dropped read-store database ("" when there was none)
	Purged      map[string]int      // queue → messages removed
	SearchIndex string              // the removed search index folder ("" when left or absent)
	Notes       []string            // what the user should know (e.g. restart the stack)
}

// keptTables are not emptied: goose's version table everywhere (the schema stays), identity's
// users (so admin/admin and user/user keep working, also on a running stack) and the engine's
// deployed process definitions (deployed once at the engine's start).
var keptTables = map[string][]string{
	"":               {"goose_db_version"},
	"identity_db":    {"users"},
	"saga_engine_db": {"process_definitions"},
}

// consumerGroups are the platform's RabbitMQ consumer groups (libs/messaging queue names).
var consumerGroups = []string{"characteristic", "specification", "pricing", "offering", "store-query"}

// serviceDatabases lists every database a component of the stack owns, without suffix.
func serviceDatabases() []string {
	s := &Stack{opts: Options{PostgresURL: "postgres://x/"}, ports: map[string]int{}}
	var out []string
	for _, c := range components {
		if c.Web {
			continue
		}
		raw, ok := c.Env(s)["DATABASE_URL"]
		if !ok {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		out = append(out, strings.TrimPrefix(u.Path, "/"))
	}
	return out
}

// Clean empties every store of a stack: the rows of every service database (see keptTables),
// the read store's MongoDB database, the search index folder (only when the stack is stopped)
// and the namespace's event queues with their dead-letter queues. It goes on past a failing
// store and returns every error at the end.
func Clean(ctx context.Context, opts CleanOptions) (CleanReport, error) {
	if opts.PostgresURL == "" {
		opts.PostgresURL = "postgres://postgres@127.0.0.1:5432/?sslmode=disable"
	}
	if opts.AMQPURL == "" {
		opts.AMQPURL = "amqp://guest:guest@127.0.0.1:5672/"
	}
	if opts.MongoDatabase == "" {
		opts.MongoDatabase = "store" + opts.Suffix
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	rep := CleanReport{Truncated: map[string][]string{}, Kept: map[string][]string{}, Purged: map[string]int{}}
	var errs []error
	for _, db := range serviceDatabases() {
		if err := truncateDatabase(ctx, opts, db, &rep); err != nil {
			errs = append(errs, err)
		}
	}
	if err := dropReadStore(ctx, opts, &rep); err != nil {
		errs = append(errs, err)
	}
	if err := removeSearchIndex(opts, &rep); err != nil {
		errs = append(errs, err)
	}
	if err := purgeQueues(ctx, opts, &rep); err != nil {
		errs = append(errs, err)
	}
	if opts.Running {
		rep.Notes = append(rep.Notes, "the stack is running: its search index was left in place and services may hold stale caches; "+
			"stop it (Ctrl-C or make stop), run make clean-db again to empty the index, then make dev")
	}
	return rep, errors.Join(errs...)
}

func truncateDatabase(ctx context.Context, opts CleanOptions, base string, rep *CleanReport) error {
	name := base + opts.Suffix
	u, err := url.Parse(opts.PostgresURL)
	if err != nil {
		return fmt.Errorf("clean %s: bad PostgreSQL URL: %w", name, err)
	}
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return fmt.Errorf("clean %s: %w", name, err)
	}
	var exists bool
	err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	conn.Close(context.WithoutCancel(ctx))
	if err != nil {
		return fmt.Errorf("clean %s: %w", name, err)
	}
	if !exists {
		rep.Missing = append(rep.Missing, name)
		return nil
	}
	u.Path = "/" + name
	conn, err = pgx.Connect(ctx, u.String())
	if err != nil {
		return fmt.Errorf("clean %s: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, `SELECT schemaname, tablename FROM pg_tables
		WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY schemaname, tablename`)
	if err != nil {
		return fmt.Errorf("clean %s: list tables: %w", name, err)
	}
	type table struct{ schema, name string }
	tables, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (table, error) {
		var t table
		return t, r.Scan(&t.schema, &t.name)
	})
	if err != nil {
		return fmt.Errorf("clean %s: list tables: %w", name, err)
	}
	keep := append(slices.Clone(keptTables[""]), keptTables[base]...)
	var idents []string
	for _, t := range tables {
		if slices.Contains(keep, t.name) {
			rep.Kept[name] = append(rep.Kept[name], t.name)
			continue
		}
		idents = append(idents, pgx.Identifier{t.schema, t.name}.Sanitize())
		rep.Truncated[name] = append(rep.Truncated[name], t.name)
	}
	if len(idents) == 0 {
		return nil
	}
	// One statement, so foreign keys between emptied tables need no CASCADE (which would reach
	// into kept tables).
	if _, err := conn.Exec(ctx, "TRUNCATE "+strings.Join(idents, ", ")); err != nil {
		return fmt.Errorf("clean %s: truncate: %w", name, err)
	}
	opts.Log.Info("emptied", "database", name, "tables", len(idents))
	return nil
}

// dropReadStore drops the store's MongoDB database, through the running stack's server or an
// embedded FerretDB over the stack's files.
func dropReadStore(ctx context.Context, opts CleanOptions, rep *CleanReport) error {
	uri := opts.MongoURI
	if uri == "" {
		dir := filepath.Join(opts.DataDir, "ferretdb")
		if opts.DataDir == "" {
			return nil
		}
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			rep.Missing = append(rep.Missing, dir)
			return nil
		}
		// FerretDB logs every unsupported driver command as a warning; its start-up error is enough.
		srv, err := ferret.Start(context.WithoutCancel(ctx), dir, "127.0.0.1:0", slog.New(slog.DiscardHandler))
		if err != nil {
			return fmt.Errorf("clean read store: start FerretDB over %s (is the stack still running?): %w", dir, err)
		}
		defer srv.Stop()
		uri = srv.URI()
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	client, err := mongo.Connect(cctx, options.Client().ApplyURI(uri))
	if err != nil {
		return fmt.Errorf("clean read store: %w", err)
	}
	defer client.Disconnect(context.WithoutCancel(ctx))
	if err := client.Database(opts.MongoDatabase).Drop(cctx); err != nil {
		return fmt.Errorf("clean read store: drop %s: %w", opts.MongoDatabase, err)
	}
	rep.MongoDB = opts.MongoDatabase
	opts.Log.Info("dropped", "mongodb database", opts.MongoDatabase)
	return nil
}

func removeSearchIndex(opts CleanOptions, rep *CleanReport) error {
	if opts.DataDir == "" || opts.Running {
		return nil
	}
	dir := filepath.Join(opts.DataDir, "search")
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		rep.Missing = append(rep.Missing, dir)
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clean search index: %w", err)
	}
	rep.SearchIndex = dir
	return nil
}

// purgeQueues empties every consumer group's queue and dead-letter queue of the namespace. A
// queue that does not exist closes its channel with 404, so each queue gets its own channel.
func purgeQueues(ctx context.Context, opts CleanOptions, rep *CleanReport) error {
	conn, err := amqp.DialConfig(opts.AMQPURL, amqp.Config{Dial: amqp.DefaultDial(5 * time.Second)})
	if err != nil {
		return fmt.Errorf("clean queues: %w", err)
	}
	defer conn.Close()
	var errs []error
	for _, q := range QueueNames(opts.Namespace) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ch, err := conn.Channel()
		if err != nil {
			return fmt.Errorf("clean queues: %w", err)
		}
		n, err := ch.QueuePurge(q, false)
		var amqpErr *amqp.Error
		switch {
		case err == nil:
			rep.Purged[q] = n
			_ = ch.Close()
		case errors.As(err, &amqpErr) && amqpErr.Code == amqp.NotFound:
			rep.Missing = append(rep.Missing, "queue "+q)
		default:
			errs = append(errs, fmt.Errorf("purge %s: %w", q, err))
			_ = ch.Close()
		}
	}
	return errors.Join(errs...)
}

// QueueNames lists the durable queues of every consumer group and their dead-letter queues
// under a namespace, named as libs/messaging names them.
func QueueNames(namespace string) []string {
	prefix := namespace
	if namespace != "" && !strings.ContainsAny(namespace[len(namespace)-1:], ".-_:") {
		prefix += "."
	}
	var out []string
	for _, g := range consumerGroups {
		out = append(out, prefix+g, prefix+g+".dlq")
	}
	return out
}
