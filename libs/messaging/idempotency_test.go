package messaging_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
	"github.com/tmfcatalog/platform/libs/messaging/pgidempotency"
)

func TestDuplicateDeliveriesHaveOneEffect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		group       string
		concurrency int
		copies      int
	}{
		{"the same event delivered twice to one worker is handled once", "idempotency-test-serial", 1, 2},
		{"five copies racing through four workers are handled once", "idempotency-test-racing", 4, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := messagingtest.New(t)
			pool, _ := pgtest.NewDB(t, nil, pgidempotency.Migration(1))
			effects := &effectCounter{}
			cfg := fastConfig(env, tt.group, 3)
			cfg.Concurrency = tt.concurrency
			cfg.Idempotency = pgidempotency.New(pool)
			runConsumer(t, messaging.NewConsumer(env.Conn, cfg, effects.handle, nil))
			waitForQueue(t, env, env.Topology.Queue(tt.group))

			before := counter(t, "messaging_duplicates_total", tt.group) + counter(t, "messaging_consumed_total", tt.group)
			dup, other := newEnvelope("char-dup", 7), newEnvelope("char-other", 1)
			msgs := []messaging.Message{}
			for range tt.copies {
				msgs = append(msgs, messaging.Message{Topic: messaging.TopicCharacteristics, Envelope: dup})
			}
			msgs = append(msgs, messaging.Message{Topic: messaging.TopicCharacteristics, Envelope: other})
			for i, err := range messaging.NewPublisher(env.Conn, env.Topology).PublishBatch(context.Background(), msgs) {
				if err != nil {
					t.Fatalf("publish %d: %v", i, err)
				}
			}
			eventually(t, 20*time.Second, "every copy settled", func() bool {
				return effects.of(other.EventID) == 1 && effects.of(dup.EventID) >= 1 &&
					counter(t, "messaging_duplicates_total", tt.group)+counter(t, "messaging_consumed_total", tt.group)-before >= float64(tt.copies+1)
			})
			if n := effects.of(dup.EventID); n != 1 {
				t.Fatalf("duplicate event handled %d times, want 1", n)
			}
			if done, err := pgidempotency.New(pool).Processed(context.Background(), tt.group, dup.EventID); err != nil || !done {
				t.Fatalf("event not recorded as processed: %v %v", done, err)
			}
		})
	}
}

// tellingStore is an in-memory idempotency store that knows which entities are new to it.
type tellingStore struct {
	mu        sync.Mutex
	done      map[string]bool
	asked     map[string]int // event id → Processed calls
	newEntity string
}

func (s *tellingStore) Processed(_ context.Context, group, eventID string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked[eventID]++
	return s.done[group+"/"+eventID], nil
}

func (s *tellingStore) MarkProcessed(_ context.Context, group, eventID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done[group+"/"+eventID] = true
	return nil
}

func (s *tellingStore) Unprocessed(_ string, e messaging.Envelope) bool {
	return e.EntityID == s.newEntity
}

// A store that can tell an event is new spares the lookup for it; the others are looked up and
// a duplicate of them is still skipped.
func TestAStoreThatTellsNewEventsSparesTheirLookup(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	store := &tellingStore{done: map[string]bool{}, asked: map[string]int{}, newEntity: "char-new"}
	effects := &effectCounter{}
	const group = "idempotency-test-teller"
	cfg := fastConfig(env, group, 3)
	cfg.Concurrency = 1
	cfg.Idempotency = store
	runConsumer(t, messaging.NewConsumer(env.Conn, cfg, effects.handle, nil))
	waitForQueue(t, env, env.Topology.Queue(group))

	fresh, known := newEnvelope("char-new", 3), newEnvelope("char-known", 3)
	pub := messaging.NewPublisher(env.Conn, env.Topology)
	for i, err := range pub.PublishBatch(context.Background(), []messaging.Message{
		{Topic: messaging.TopicCharacteristics, Envelope: fresh},
		{Topic: messaging.TopicCharacteristics, Envelope: known},
		{Topic: messaging.TopicCharacteristics, Envelope: known},
	}) {
		if err != nil {
			t.Fatalf("publish %d: %v", i, err)
		}
	}
	eventually(t, 20*time.Second, "all three deliveries settled", func() bool {
		store.mu.Lock()
		defer store.mu.Unlock()
		return store.done[group+"/"+fresh.EventID] && store.asked[known.EventID] == 2
	})
	store.mu.Lock()
	defer store.mu.Unlock()
	if store.asked[fresh.EventID] != 0 {
		t.Errorf("the new event was looked up %d times, want 0", store.asked[fresh.EventID])
	}
	if effects.of(fresh.EventID) != 1 || effects.of(known.EventID) != 1 {
		t.Errorf("effects = new %d, known %d; want 1 each", effects.of(fresh.EventID), effects.of(known.EventID))
	}
}

// effectCounter is a handler that counts how often each event took effect.
type effectCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *effectCounter) handle(_ context.Context, e messaging.Envelope) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[e.EventID]++
	return nil
}

// of returns how often event id took effect.
func (c *effectCounter) of(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[id]
}
