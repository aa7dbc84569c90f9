package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
)

func TestDeadLetterQueueDepthIsExported(t *testing.T) {
	t.Parallel()
	const group = "dlq-depth-test-consumer"
	env := messagingtest.New(t)
	handler := func(context.Context, messaging.Envelope) error { return nil }
	runConsumer(t, messaging.NewConsumer(env.Conn, fastConfig(env, group, 5), handler, nil))
	waitForQueue(t, env, env.Topology.Queue(group))

	ch, err := env.Conn.Channel(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	for _, id := range []string{"poison-a", "poison-b"} {
		err = ch.Publish(env.Topology.Exchange(messaging.TopicCharacteristics), "CharacteristicCreated", false, false,
			amqp.Publishing{MessageId: id, Body: []byte("{not an envelope")})
		if err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if v, ok := gauge(t, "messaging_dlq_depth", group); ok && v == 2 {
			return
		}
		if time.Now().After(deadline) {
			v, _ := gauge(t, "messaging_dlq_depth", group)
			t.Fatalf("messaging_dlq_depth{group=%q} = %v, want 2", group, v)
		}
		<-tick.C
	}
}

// gauge reads one gauge sample of the default registry by its group label.
func gauge(t *testing.T, name, group string) (float64, bool) {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "group" && l.GetValue() == group {
					return m.GetGauge().GetValue(), true
				}
			}
		}
	}
	return 0, false
}
