package pgidempotency_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/messaging/pgidempotency"
)

func TestStoreRemembersProcessedEventsPerGroup(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t, nil, pgidempotency.Migration(1))
	s := pgidempotency.New(pool)
	ctx := context.Background()
	id := uuid.NewString()
	if done, err := s.Processed(ctx, "a", id); err != nil || done {
		t.Fatalf("fresh event: processed=%v err=%v", done, err)
	}
	if err := s.MarkProcessed(ctx, "a", id); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkProcessed(ctx, "a", id); err != nil {
		t.Fatalf("marking twice must not fail: %v", err)
	}
	if done, err := s.Processed(ctx, "a", id); err != nil || !done {
		t.Fatalf("after mark: processed=%v err=%v", done, err)
	}
	if done, _ := s.Processed(ctx, "b", id); done {
		t.Fatal("another group sees the event as processed")
	}
}

func TestMarkInTxCommitsAndRollsBackWithTheHandlersTransaction(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t, nil, pgidempotency.Migration(1))
	s := pgidempotency.New(pool)
	ctx := context.Background()
	id := uuid.NewString()

	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	already, err := pgidempotency.MarkInTx(ctx, tx, "g", id)
	if err != nil || already {
		t.Fatalf("first mark: already=%v err=%v", already, err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if done, _ := s.Processed(ctx, "g", id); done {
		t.Fatal("a rolled-back mark is visible")
	}

	for i, wantAlready := range []bool{false, true} {
		tx, err := pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		already, err := pgidempotency.MarkInTx(ctx, tx, "g", id)
		if err != nil || already != wantAlready {
			t.Fatalf("mark %d: already=%v err=%v, want already=%v", i, already, err, wantAlready)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPruneDeletesOnlyOldRecords(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t, nil, pgidempotency.Migration(1))
	s := pgidempotency.New(pool)
	ctx := context.Background()
	old, fresh := uuid.NewString(), uuid.NewString()
	for _, id := range []string{old, fresh} {
		if err := s.MarkProcessed(ctx, "g", id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE processed_events SET processed_at = now() - interval '10 days' WHERE event_id = $1`, old); err != nil {
		t.Fatal(err)
	}
	n, err := s.Prune(ctx, 7*24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("prune: n=%d err=%v, want 1", n, err)
	}
	if done, _ := s.Processed(ctx, "g", fresh); !done {
		t.Fatal("fresh record pruned")
	}
}
