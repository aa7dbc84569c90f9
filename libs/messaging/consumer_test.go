package messaging_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/messaging/messagingtest"
)

const testGroup = "catalog-test-consumer"

func fastConfig(env *messagingtest.Env, group string, maxAttempts int) messaging.ConsumerConfig {
	env.TrackGroup(group)
	return messaging.ConsumerConfig{
		Group:        group,
		Bindings:     map[string][]string{messaging.TopicCharacteristics: {"#"}},
		Concurrency:  2,
		MaxAttempts:  maxAttempts,
		Topology:     env.Topology,
		RetryBackoff: messaging.Backoff{Initial: 2 * time.Millisecond, Max: 10 * time.Millisecond},
		LagInterval:  50 * time.Millisecond,
	}
}

func TestFailingMessagesAreDeadLetteredWithTheReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		maxAttempts int
		handler     func(calls *atomic.Int32) messaging.Handler
		wantCalls   int32
		wantReason  string
		wantAttempt int32
	}{
		{
			name: "a message that fails every time is dead-lettered after MaxAttempts", maxAttempts: 3,
			handler: func(calls *atomic.Int32) messaging.Handler {
				return func(context.Context, messaging.Envelope) error {
					calls.Add(1)
					return errors.New("database is on fire")
				}
			},
			wantCalls: 3, wantReason: "failed 3 times, last error: database is on fire", wantAttempt: 3,
		},
		{
			name: "a permanent error is dead-lettered after one attempt", maxAttempts: 5,
			handler: func(calls *atomic.Int32) messaging.Handler {
				return func(context.Context, messaging.Envelope) error {
					calls.Add(1)
					return messaging.Permanent(errors.New("unknown specification"))
				}
			},
			wantCalls: 1, wantReason: "permanent: unknown specification", wantAttempt: 1,
		},
		{
			name: "a handler that panics is retried and then dead-lettered", maxAttempts: 2,
			handler: func(calls *atomic.Int32) messaging.Handler {
				return func(context.Context, messaging.Envelope) error { calls.Add(1); panic("nil map") }
			},
			wantCalls: 2, wantReason: "handler panic: nil map", wantAttempt: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := messagingtest.New(t)
			var calls atomic.Int32
			runConsumer(t, messaging.NewConsumer(env.Conn, fastConfig(env, testGroup, tt.maxAttempts), tt.handler(&calls), nil))
			waitForQueue(t, env, env.Topology.Queue(testGroup))
			dlq := deadLetters(t, env, testGroup)
			e := newEnvelope("char-dlq", 1)
			if err := messaging.NewPublisher(env.Conn, env.Topology).Publish(context.Background(), messaging.TopicCharacteristics, "", e); err != nil {
				t.Fatalf("publish: %v", err)
			}
			m := receive(t, dlq, 20*time.Second)
			if m.MessageId != e.EventID {
				t.Fatalf("dead letter %q, want %q", m.MessageId, e.EventID)
			}
			if got := m.Headers[messaging.HeaderDeadLetterReason]; !strings.Contains(got.(string), tt.wantReason) {
				t.Errorf("reason = %q, want it to contain %q", got, tt.wantReason)
			}
			if got := m.Headers[messaging.HeaderAttempt]; got != tt.wantAttempt {
				t.Errorf("attempt header = %v, want %d", got, tt.wantAttempt)
			}
			if got := m.Headers[messaging.HeaderConsumerGroup]; got != testGroup {
				t.Errorf("group header = %v", got)
			}
			if got := m.Headers[messaging.HeaderOriginalExchange]; got != env.Topology.Exchange(messaging.TopicCharacteristics) {
				t.Errorf("original exchange header = %v", got)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("handler called %d times, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestPoisonMessageGoesStraightToTheDeadLetterQueue(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	var calls atomic.Int32
	handler := func(context.Context, messaging.Envelope) error { calls.Add(1); return nil }
	runConsumer(t, messaging.NewConsumer(env.Conn, fastConfig(env, testGroup, 5), handler, nil))
	waitForQueue(t, env, env.Topology.Queue(testGroup))
	dlq := deadLetters(t, env, testGroup)

	ch, err := env.Conn.Channel(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	err = ch.Publish(env.Topology.Exchange(messaging.TopicCharacteristics), "CharacteristicCreated", false, false,
		amqp.Publishing{MessageId: "poison-1", Body: []byte("{not an envelope")})
	if err != nil {
		t.Fatal(err)
	}
	m := receive(t, dlq, 10*time.Second)
	if m.MessageId != "poison-1" {
		t.Fatalf("dead letter %q, want poison-1", m.MessageId)
	}
	if reason, _ := m.Headers[messaging.HeaderDeadLetterReason].(string); !strings.Contains(reason, "undecodable message") {
		t.Errorf("reason = %q, want it to say the message is undecodable", reason)
	}
	if calls.Load() != 0 {
		t.Errorf("handler was called %d times for a poison message", calls.Load())
	}
}

func TestHandlerContextCarriesCorrelationAndDeliveryInfo(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	got := make(chan messaging.DeliveryInfo, 1)
	handler := func(ctx context.Context, e messaging.Envelope) error {
		d, _ := messaging.DeliveryFromContext(ctx)
		got <- d
		return nil
	}
	runConsumer(t, messaging.NewConsumer(env.Conn, fastConfig(env, testGroup, 3), handler, nil))
	waitForQueue(t, env, env.Topology.Queue(testGroup))
	e := newEnvelope("char-ctx", 4)
	if err := messaging.NewPublisher(env.Conn, env.Topology).Publish(context.Background(), messaging.TopicCharacteristics, "", e); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-got:
		if d.Group != testGroup || d.Attempt != 1 || d.RoutingKey != e.EventType {
			t.Errorf("delivery info = %+v", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("handler not called")
	}
}

func TestConsumerResumesAfterItsConnectionIsClosedByTheBroker(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	consumerConn := env.Dial("consumer")
	var mu sync.Mutex
	seen := map[string]bool{}
	handler := func(_ context.Context, e messaging.Envelope) error {
		mu.Lock()
		defer mu.Unlock()
		seen[e.EventID] = true
		return nil
	}
	runConsumer(t, messaging.NewConsumer(consumerConn, fastConfig(env, testGroup, 3), handler, nil))
	waitForQueue(t, env, env.Topology.Queue(testGroup))
	if n := messagingtest.CloseConnection(t, consumerConn.Name()); n != 1 {
		t.Fatalf("closed %d connections named %s, want 1", n, consumerConn.Name())
	}
	pub := messaging.NewPublisher(env.Conn, env.Topology)
	e := newEnvelope("char-reconnect", 1)
	if err := pub.Publish(context.Background(), messaging.TopicCharacteristics, "", e); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "event consumed after reconnect", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return seen[e.EventID]
	})
	eventually(t, 5*time.Second, "connection healthy", func() bool { return consumerConn.Ping(context.Background()) == nil })
}

func TestPublisherReportsUnroutableMessages(t *testing.T) {
	t.Parallel()
	env := messagingtest.New(t)
	pub := messaging.NewPublisher(env.Conn, env.Topology)
	defer pub.Close()
	err := pub.Publish(context.Background(), messaging.TopicOfferings, "", newEnvelope("nobody-listens", 1))
	if !errors.Is(err, messaging.ErrUnroutable) {
		t.Fatalf("publish with no bound queue: error = %v, want ErrUnroutable", err)
	}
	c := env.Collect(messaging.TopicOfferings)
	e := newEnvelope("someone-listens", 1)
	if err := pub.Publish(context.Background(), messaging.TopicOfferings, "", e); err != nil {
		t.Fatalf("publish with a bound queue: %v", err)
	}
	if counts := c.WaitDistinct(1, 10*time.Second); counts[e.EventID] != 1 {
		t.Fatalf("collector got %v", counts)
	}
}
