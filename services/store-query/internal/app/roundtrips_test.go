package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

// commandLog counts the commands a store sends, by "<command> <collection>".
type commandLog struct {
	mu sync.Mutex
	on bool
	by map[string]int
}

func (l *commandLog) observe(command, collection string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.on {
		l.by[command+" "+collection]++
	}
}

func (l *commandLog) start() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on, l.by = true, map[string]int{}
}

func (l *commandLog) stop() (total int, detail string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	var parts []string
	for k, n := range l.by {
		total += n
		parts = append(parts, fmt.Sprintf("%s ×%d", k, n))
	}
	sort.Strings(parts)
	return total, strings.Join(parts, ", ")
}

// maxRoundTripsPerPriceUpdate bounds the FerretDB commands of one price update used by two
// published documents, the idempotency record included: the record's insert, the replica write
// and the documents' write (the idempotency lookup is spared, the event being newer than the
// replica; nothing is queued for the index, which takes the documents). Every command costs
// FerretDB ~0.3 ms of CPU; before the by-id mirror the same update took 22, before the index
// queue held only what the index refused, 8.
const maxRoundTripsPerPriceUpdate = 4

// On FerretDB a warm store reads nothing on the write path of a price update: only writes
// reach the database.
func TestPriceUpdateSendsOnlyWritesToFerretDB(t *testing.T) {
	log := &commandLog{}
	store, _ := storetest.NewStoreWith(t, mongo.WritesDetect, mongo.ObserveCommands(log.observe))
	if store.Writes() != mongo.WritesByID {
		t.Fatalf("write mode = %v, want by-id (the test targets FerretDB)", store.Writes())
	}
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	p := app.NewProjector(store, store, store, idx, storetest.Discard())
	b := startBatcher(t, p, 64)
	ctx := context.Background()

	c := storetest.NewCatalog("Round Trips", 10, domain.StatusPublished)
	publish(t, p, c, true)
	second := c.Offering
	second.ID, second.Name = uuid.NewString(), "Round Trips Two"
	if err := p.ApplyOffering(ctx, second); err != nil {
		t.Fatal(err)
	}
	idem := store.Idempotency()
	update := func(version int64) {
		t.Helper()
		event := uuid.NewString()
		pr := c.Price
		pr.Version, pr.Value = version, float64(version)
		// As the consumer does: the lookup only when the store cannot tell the event is new.
		e := messaging.Envelope{EventID: event, EventType: "PriceUpdated", EntityID: pr.ID, EntityVersion: version}
		if !idem.Unprocessed("store-query", e) {
			if done, err := idem.Processed(ctx, "store-query", event); err != nil || done {
				t.Fatalf("processed = %v, %v", done, err)
			}
		}
		if err := b.ApplyPrice(ctx, pr); err != nil {
			t.Fatal(err)
		}
		if err := idem.MarkProcessed(ctx, "store-query", event); err != nil {
			t.Fatal(err)
		}
	}
	update(2) // warms the process up, as the publications do in production

	const updates = 5
	log.start()
	for v := range int64(updates) {
		update(3 + v)
	}
	total, detail := log.stop()
	if per := float64(total) / updates; per > maxRoundTripsPerPriceUpdate {
		t.Errorf("%.1f commands per price update, want at most %d: %s", per, maxRoundTripsPerPriceUpdate, detail)
	}
	t.Logf("%d commands for %d price updates: %s", total, updates, detail)
	for _, id := range []string{c.Offering.ID, second.ID} {
		d, err := store.GetVisible(ctx, id)
		if err != nil || d.Pricing[0].Value != 2+updates {
			t.Fatalf("document %s = %+v, %v; want the last price", id, d.Pricing, err)
		}
	}
	if pending, err := store.PendingIndex(ctx, 10); err != nil || len(pending) != 0 {
		t.Fatalf("index queue after the updates = %d entries, %v; want none", len(pending), err)
	}
}

// BenchmarkPriceUpdate applies price updates one at a time, each used by two published
// documents, against the embedded FerretDB of the test binary: the whole cost of an update
// (store-query and FerretDB) in one process. cpu-µs/op is the process's CPU per update.
func BenchmarkPriceUpdate(b *testing.B) {
	store, _ := storetest.NewStore(b)
	idx, err := bleve.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = idx.Close() })
	p := app.NewProjector(store, store, store, idx, storetest.Discard())
	bt := startBatcher(b, p, 64)
	ctx := context.Background()
	c := storetest.NewCatalog("Bench Price", 10, domain.StatusPublished)
	for _, err := range []error{p.ApplyCharacteristic(ctx, c.Characteristic), p.ApplySpecification(ctx, c.Specification),
		p.ApplyPrice(ctx, c.Price), p.ApplyOffering(ctx, c.Offering)} {
		if err != nil {
			b.Fatal(err)
		}
	}
	second := c.Offering
	second.ID = uuid.NewString()
	if err := p.ApplyOffering(ctx, second); err != nil {
		b.Fatal(err)
	}
	idem := store.Idempotency()
	version := int64(1)
	cpu0 := processCPU()
	b.ResetTimer()
	for b.Loop() {
		version++
		event := uuid.NewString()
		if _, err := idem.Processed(ctx, "store-query", event); err != nil {
			b.Fatal(err)
		}
		pr := c.Price
		pr.Version, pr.Value = version, float64(version)
		if err := bt.ApplyPrice(ctx, pr); err != nil {
			b.Fatal(err)
		}
		if err := idem.MarkProcessed(ctx, "store-query", event); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
