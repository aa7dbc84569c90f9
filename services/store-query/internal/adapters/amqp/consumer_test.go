package amqp_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/amqp"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/mongo"
	"github.com/tmfcatalog/platform/services/store-query/internal/adapters/search/bleve"
	"github.com/tmfcatalog/platform/services/store-query/internal/app"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
	"github.com/tmfcatalog/platform/services/store-query/internal/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// harness is one running store consumer on a private namespace, database and index.
type harness struct {
	t     *testing.T
	store *mongo.Store
	index *bleve.Index
	pub   *messaging.Publisher
}

func start(t *testing.T) *harness {
	t.Helper()
	env := messagingtest.New(t)
	env.TrackGroup(amqp.Group)
	store, _ := storetest.NewStore(t)
	idx, err := bleve.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	log := storetest.Discard()
	projector := app.NewProjector(store, store, store, idx, log)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ch, err := env.Conn.Channel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Topology.DeclareGroup(ch, amqp.Group, amqp.Bindings()); err != nil {
		t.Fatal(err)
	}
	_ = ch.Close()

	// One handler at a time, so an event published after others is handled after them.
	consumer := messaging.NewConsumer(env.Dial("consumer"), messaging.ConsumerConfig{
		Group: amqp.Group, Bindings: amqp.Bindings(), Topology: env.Topology, Concurrency: 1, Prefetch: 1,
		MaxAttempts: 5, Idempotency: store.Idempotency(), LagInterval: -1,
		RetryBackoff: messaging.Backoff{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond},
	}, amqp.Handler(projector, log), log)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- consumer.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("consumer stopped with %v", err)
		}
		_ = idx.Close()
	})
	return &harness{t: t, store: store, index: idx, pub: messaging.NewPublisher(env.Conn, env.Topology)}
}

func envelope(eventType, entityID string, version int64, payload any) messaging.Envelope {
	b, _ := json.Marshal(payload)
	return messaging.Envelope{
		EventID: uuid.NewString(), EventType: eventType, SchemaVersion: 1, EntityID: entityID,
		EntityVersion: version, OccurredAt: time.Now().UTC(), CorrelationID: uuid.NewString(),
		TraceContext: map[string]string{}, Payload: b,
	}
}

func topicOf(eventType string) string {
	switch {
	case eventType[:5] == "Chara":
		return messaging.TopicCharacteristics
	case eventType[:5] == "Speci":
		return messaging.TopicSpecifications
	case eventType[:5] == "Price":
		return messaging.TopicPricing
	}
	return messaging.TopicOfferings
}

func (h *harness) publish(e messaging.Envelope) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.pub.Publish(ctx, topicOf(e.EventType), e.EventType, e); err != nil {
		h.t.Fatalf("publish %s: %v", e.EventType, err)
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached in time; last state: %s", what, state)
		}
		<-tick.C
	}
}

// barrier publishes an unrelated event and waits until it is processed: with one handler at a
// time, every event published before it has been handled too.
func (h *harness) barrier() {
	h.t.Helper()
	id := uuid.NewString()
	e := envelope("CharacteristicCreated", id, 1, characteristicPayload(domain.Characteristic{ID: id, Name: "Marker", Value: "x", Unit: "NONE"}))
	h.publish(e)
	eventually(h.t, "barrier processed", func() (bool, string) {
		done, err := h.store.Idempotency().Processed(context.Background(), amqp.Group, e.EventID)
		return done, fmt.Sprint(err)
	})
}

func characteristicPayload(c domain.Characteristic) map[string]any {
	return map[string]any{"id": c.ID, "name": c.Name, "value": c.Value, "unit_of_measure": c.Unit, "version": c.Version}
}

func specificationPayload(s domain.Specification) map[string]any {
	return map[string]any{"id": s.ID, "name": s.Name, "characteristic_ids": s.CharacteristicIDs, "version": s.Version}
}

func pricePayload(p domain.Price) map[string]any {
	return map[string]any{"id": p.ID, "name": p.Name, "value": fmt.Sprintf("%.2f", p.Value), "unit": p.Unit,
		"currency": p.Currency, "locked": false, "locked_by_saga_id": nil, "version": p.Version}
}

func offeringPayload(o domain.Offering) map[string]any {
	return map[string]any{"id": o.ID, "name": o.Name, "description": o.Description, "specification_ids": o.SpecificationIDs,
		"pricing_ids": o.PricingIDs, "sales_channels": o.SalesChannels, "lifecycle_status": string(o.Status),
		"published_at": o.PublishedAt, "retired_at": nil, "version": o.Version}
}

// publishCatalog sends the events that create the catalog's entities and publish its offering,
// and waits until the offering is visible.
func (h *harness) publishCatalog(c storetest.Catalog, withSharedEntities bool) {
	h.t.Helper()
	if withSharedEntities {
		h.publish(envelope("CharacteristicCreated", c.Characteristic.ID, 1, characteristicPayload(c.Characteristic)))
		h.publish(envelope("SpecificationCreated", c.Specification.ID, 1, specificationPayload(c.Specification)))
		h.publish(envelope("PriceCreated", c.Price.ID, 1, pricePayload(c.Price)))
	}
	o := c.Offering
	o.Status, o.Version, o.PublishedAt = domain.StatusDraft, 1, nil
	h.publish(envelope("OfferingCreated", o.ID, 1, offeringPayload(o)))
	o.Status, o.Version = domain.StatusPublishing, 2
	h.publish(envelope("OfferingPublicationInitiated", o.ID, 2, offeringPayload(o)))
	now := time.Now().UTC().Truncate(time.Millisecond)
	o.Status, o.Version, o.PublishedAt = domain.StatusPublished, 3, &now
	h.publish(envelope("OfferingPublished", o.ID, 3, offeringPayload(o)))
	h.waitVisible(o.ID)
}

func (h *harness) waitVisible(id string) {
	h.t.Helper()
	eventually(h.t, "offering "+id+" visible", func() (bool, string) {
		_, err := h.store.GetVisible(context.Background(), id)
		return err == nil, fmt.Sprint(err)
	})
}

func (h *harness) doc(id string) domain.Document {
	h.t.Helper()
	d, err := h.store.Get(context.Background(), id)
	if err != nil {
		h.t.Fatalf("document %s: %v", id, err)
	}
	return d
}

func (h *harness) searchIDs(q domain.Query) []string {
	h.t.Helper()
	if q.Limit == 0 {
		q.Limit = 100
	}
	if q.Sort == "" {
		q.Sort = domain.SortName
	}
	r, err := h.index.Search(context.Background(), q)
	if err != nil {
		h.t.Fatal(err)
	}
	ids := []string{}
	for _, d := range r.Items {
		ids = append(ids, d.ID)
	}
	return ids
}
