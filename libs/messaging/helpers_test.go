package messaging_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
)

func newEnvelope(entity string, version int64) messaging.Envelope {
	return messaging.Envelope{
		EventID: uuid.NewString(), EventType: "CharacteristicUpdated", SchemaVersion: 1,
		EntityID: entity, EntityVersion: version, OccurredAt: time.Now().UTC(), CorrelationID: "corr-" + entity,
		Payload: json.RawMessage(`{"id":"` + entity + `"}`),
	}
}

// eventually polls cond every few milliseconds until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// counter reads a counter of the default registry by name and group label.
func counter(t *testing.T, name, group string) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "group" && l.GetValue() == group {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}

// runConsumer runs c until the test ends and fails the test if Run returns an error.
func runConsumer(t *testing.T, c *messaging.Consumer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("consumer Run: %v", err)
		}
	})
}

// waitForQueue waits until the queue exists (the consumer declared its topology).
func waitForQueue(t *testing.T, env *messagingtest.Env, queue string) {
	t.Helper()
	eventually(t, 10*time.Second, "queue "+queue, func() bool {
		ch, err := env.Conn.Channel(context.Background())
		if err != nil {
			return false
		}
		defer ch.Close()
		q, err := ch.QueueDeclarePassive(queue, true, false, false, false, nil)
		return err == nil && q.Consumers > 0
	})
}

// deadLetters consumes a group's dead-letter queue.
func deadLetters(t *testing.T, env *messagingtest.Env, group string) <-chan amqp.Delivery {
	t.Helper()
	ch, err := env.Conn.Channel(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ch.Close() })
	d, err := ch.Consume(env.Topology.DeadLetterQueue(group), "", true, false, false, false, nil)
	if err != nil {
		t.Fatalf("consume DLQ: %v", err)
	}
	return d
}

func receive(t *testing.T, d <-chan amqp.Delivery, timeout time.Duration) amqp.Delivery {
	t.Helper()
	select {
	case m := <-d:
		return m
	case <-time.After(timeout):
		t.Fatalf("no message within %v", timeout)
	}
	return amqp.Delivery{}
}
