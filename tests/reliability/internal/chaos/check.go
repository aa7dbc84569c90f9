package chaos

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/tests/reliability/internal/stackrun"
)

// query runs f on a connection to one of the stack's databases. Connections are kept (the
// shared server's connection slots are scarce) and replaced after any error, because a fault
// may have terminated them.
func (e *Env) query(ctx context.Context, db string, f func(*pgx.Conn) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conns == nil {
		e.conns = map[string]*pgx.Conn{}
	}
	conn := e.conns[db]
	if conn == nil || conn.IsClosed() {
		var err error
		conn, err = connectRetry(ctx, e.Run.Stack.DatabaseURL(db), 30*time.Second)
		if err != nil {
			return fmt.Errorf("connect %s: %w", db, err)
		}
		e.conns[db] = conn
	}
	if err := f(conn); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		delete(e.conns, db)
		return err
	}
	return nil
}

// Close releases the connections the checks keep.
func (e *Env) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for db, c := range e.conns {
		c.Close(context.Background())
		delete(e.conns, db)
	}
}

// missing returns the ids absent from db.table.column.
func (e *Env) missing(ctx context.Context, db, table, column string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []string
	err := e.query(ctx, db, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, fmt.Sprintf(`SELECT x::text FROM unnest($1::uuid[]) x
			WHERE NOT EXISTS (SELECT 1 FROM %s t WHERE t.%s = x)`, table, column), ids)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("check %s.%s: %w", db, table, err)
	}
	return out, nil
}

// offeringStates returns id → (status, failure reason) for ids.
func (e *Env) offeringStates(ctx context.Context, ids []string) (map[string][2]string, error) {
	out := map[string][2]string{}
	err := e.query(ctx, "offering_db", func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT id::text, lifecycle_status, coalesce(failure_reason, '') FROM offerings WHERE id = ANY($1::uuid[])`, ids)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, st, reason string
			if err := rows.Scan(&id, &st, &reason); err != nil {
				return err
			}
			out[id] = [2]string{st, reason}
		}
		return rows.Err()
	})
	return out, err
}

// holds returns offering id → held price ids.
func (e *Env) holds(ctx context.Context, offeringIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	err := e.query(ctx, "pricing_db", func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT offering_id::text, price_id::text FROM price_holds WHERE offering_id = ANY($1::uuid[])`, offeringIDs)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var o, p string
			if err := rows.Scan(&o, &p); err != nil {
				return err
			}
			out[o] = append(out[o], p)
		}
		return rows.Err()
	})
	return out, err
}

// Verdict is the outcome of the invariant checks.
type Verdict struct {
	Lost       int      // acknowledged writes whose effect is missing somewhere
	Violations []string // every broken invariant, lost writes included
	Published  int      // publications that ended PUBLISHED
	Reverted   int      // publications that ended DRAFT with a reason
	Reasons    map[string]int
}

// settle waits until none of the publications is PUBLISHING (a saga that cannot finish
// compensates within SAGA_TIMEOUT).
func (e *Env) settle(ctx context.Context, published []string, budget time.Duration) error {
	deadline := time.Now().Add(budget)
	for {
		states, err := e.offeringStates(ctx, published)
		pending := 0
		if err == nil {
			for _, s := range states {
				if s[0] == "PUBLISHING" {
					pending++
				}
			}
			if pending == 0 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			if err != nil {
				return err
			}
			return fmt.Errorf("%d publications still PUBLISHING after %s", pending, budget)
		}
		if !pause(ctx, 500*time.Millisecond) {
			return ctx.Err()
		}
	}
}

// check evaluates every invariant once.
func (e *Env) check(ctx context.Context, l *Ledger) (Verdict, error) {
	chars, specs, prices, offs, published := l.snapshot()
	uncertain := l.uncertainPublications()
	offIDs := make([]string, len(offs))
	for i, o := range offs {
		offIDs[i] = o.ID
	}
	var v Verdict
	presence := []struct {
		what, db, table, column string
		ids                     []string
	}{
		{"characteristic", "characteristic_db", "characteristics", "id", chars},
		{"characteristic in specification's replica", "specification_db", "characteristic_replica", "id", chars},
		{"specification", "specification_db", "specifications", "id", specs},
		{"specification in characteristic's references", "characteristic_db", "specification_references", "specification_id", specs},
		{"specification in offering's replica", "offering_db", "known_specifications", "id", specs},
		{"price", "pricing_db", "prices", "id", prices},
		{"price in offering's replica", "offering_db", "known_prices", "id", prices},
		{"offering", "offering_db", "offerings", "id", offIDs},
		{"offering in specification's references", "specification_db", "offering_references", "offering_id", offIDs},
	}
	for _, p := range presence {
		miss, err := e.missing(ctx, p.db, p.table, p.column, p.ids)
		if err != nil {
			return v, err
		}
		if len(miss) > 0 {
			v.Lost += len(miss)
			v.Violations = append(v.Violations, fmt.Sprintf("%d acknowledged %s(s) missing from %s.%s, e.g. %s", len(miss), p.what, p.db, p.table, miss[0]))
		}
	}
	states, err := e.offeringStates(ctx, offIDs)
	if err != nil {
		return v, err
	}
	holds, err := e.holds(ctx, offIDs)
	if err != nil {
		return v, err
	}
	wasPublished := map[string]bool{}
	for _, id := range published {
		wasPublished[id] = true
	}
	storeUp := e.Run.Stack.Running("store-query")
	for _, o := range offs {
		st, ok := states[o.ID]
		if !ok {
			continue // counted as lost above
		}
		status, reason := st[0], st[1]
		if wasPublished[o.ID] {
			switch {
			case status == "PUBLISHED":
				v.Published++
			case status == "DRAFT" && reason != "":
				v.Reverted++
				if v.Reasons == nil {
					v.Reasons = map[string]int{}
				}
				v.Reasons[reason]++
			case status == "DRAFT":
				v.Violations = append(v.Violations, "publication of "+o.ID+" ended DRAFT without a failure reason")
			default:
				v.Lost++
				v.Violations = append(v.Violations, "publication of "+o.ID+" ended "+status)
			}
		} else if status != "DRAFT" && !(uncertain[o.ID] && status == "PUBLISHED") {
			v.Violations = append(v.Violations, "offering "+o.ID+" was never published (no 202) but is "+status)
		}
		held := holds[o.ID]
		sort.Strings(held)
		want := []string(nil)
		if status == "PUBLISHED" || status == "PUBLISHING" {
			want = append(want, o.PriceIDs...)
			sort.Strings(want)
		}
		if strings.Join(held, ",") != strings.Join(want, ",") {
			v.Violations = append(v.Violations, fmt.Sprintf("offering %s is %s but holds prices %v (want %v)", o.ID, status, held, want))
		}
		if storeUp {
			r, err := e.Gateway.JSON(ctx, http.MethodGet, "/api/v1/store/offerings/"+o.ID, nil)
			if err != nil {
				return v, err
			}
			wantStatus := http.StatusNotFound
			if status == "PUBLISHED" {
				wantStatus = http.StatusOK
			}
			if r.Status != wantStatus {
				if status == "PUBLISHED" {
					v.Lost++
				}
				v.Violations = append(v.Violations, fmt.Sprintf("store answers %d for %s offering %s, want %d", r.Status, status, o.ID, wantStatus))
			}
		}
	}
	if storeUp {
		dups, err := e.storeDuplicates(ctx)
		if err != nil {
			return v, err
		}
		v.Violations = append(v.Violations, dups...)
	}
	queues, err := stackrun.Queues(ctx, e.Run.Namespace)
	if err != nil {
		return v, err
	}
	for q, n := range queues {
		if strings.HasSuffix(q, ".dlq") && n > 0 {
			v.Violations = append(v.Violations, fmt.Sprintf("dead-letter queue %s holds %d messages", q, n))
		}
	}
	sort.Strings(v.Violations)
	return v, nil
}

// verify polls the invariants until they hold or the budget is spent (replicas catch up
// asynchronously) and returns the last verdict.
func (e *Env) verify(ctx context.Context, l *Ledger, budget time.Duration) (Verdict, error) {
	deadline := time.Now().Add(budget)
	for {
		v, err := e.check(ctx, l)
		if err == nil && len(v.Violations) == 0 {
			return v, nil
		}
		if time.Now().After(deadline) || !pause(ctx, time.Second) {
			return v, err
		}
	}
}

// storeDuplicates pages through the store's offering list and reports any id listed twice.
func (e *Env) storeDuplicates(ctx context.Context) ([]string, error) {
	seen := map[string]int{}
	for skip := 0; ; skip += 1000 {
		r, err := e.Gateway.Expect(ctx, http.StatusOK, http.MethodGet, fmt.Sprintf("/api/v1/store/offerings?limit=1000&skip=%d", skip), nil, nil)
		if err != nil {
			return nil, fmt.Errorf("list store: %w", err)
		}
		// The list route answers a bare array (the original's shape); search answers {items}.
		var items []struct {
			ID string `json:"id"`
		}
		if err := r.Decode(&items); err != nil {
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			if err := r.Decode(&page); err != nil {
				return nil, err
			}
			items = page.Items
		}
		for _, it := range items {
			seen[it.ID]++
		}
		if len(items) < 1000 || skip >= 99_000 {
			break
		}
	}
	var out []string
	for id, n := range seen {
		if n > 1 {
			out = append(out, fmt.Sprintf("store lists offering %s %d times", id, n))
		}
	}
	return out, nil
}
