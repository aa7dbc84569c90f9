package mongo_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/poll"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

// The events of a batch are marked processed at the same moment; the marks that arrive while
// one insert runs go together in the next one, duplicates included, and every caller returns
// only once its own record is stored.
func TestMarksWaitingForAnInsertShareTheNext(t *testing.T) {
	var inserts atomic.Int32
	entered, release := make(chan struct{}), make(chan struct{})
	observe := func(command, collection string) {
		if command == "insert" && collection == "processed_events" && inserts.Add(1) == 1 {
			close(entered)
			<-release // hold the first insert while the other marks arrive
		}
	}
	s, _ := storetest.NewStoreWith(t, mongo.WritesDetect, mongo.ObserveCommands(observe))
	idem := s.Idempotency()
	const marks = 50
	var wg sync.WaitGroup
	mark := func(id string) {
		wg.Go(func() {
			if err := idem.MarkProcessed(ctx(t), "g", id); err != nil {
				t.Errorf("mark %s: %v", id, err)
			}
		})
	}
	mark("e0")
	<-entered
	for k := 1; k < marks; k++ {
		// Ids 40..49 repeat 30..39: a redelivery marked twice in one insert.
		mark(fmt.Sprintf("e%d", k-10*(k/40)))
	}
	poll.Until(10*time.Second, func() bool { return idem.Waiting() >= marks-1 })
	if n := idem.Waiting(); n != marks-1 {
		t.Errorf("%d marks waiting behind the first insert, want %d", n, marks-1)
	}
	close(release)
	wg.Wait()
	if n := inserts.Load(); n != 2 {
		t.Errorf("%d inserts for %d marks, want 2 (the first alone, then all that waited)", n, marks)
	}
	for k := range 40 {
		done, err := idem.Processed(context.Background(), "g", fmt.Sprintf("e%d", k))
		if err != nil || !done {
			t.Fatalf("e%d processed = %v, %v", k, done, err)
		}
	}
}
