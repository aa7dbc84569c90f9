// Package messagingtest helps tests run against the real RabbitMQ: a random namespace per test
// (so parallel packages never share queues), a connection that closes at cleanup, forced
// connection drops by name, and a collector that gathers published envelopes.
package messagingtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/tmfcatalog/platform/libs/messaging"
)

// URL is the broker tests use: TEST_AMQP_URL, else AMQP_URL, else the local default.
func URL() string {
	for _, k := range []string{"TEST_AMQP_URL", "AMQP_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "amqp://guest:guest@127.0.0.1:5672/"
}

// RandomID returns n random hex bytes.
func RandomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Env is one test's slice of the broker.
type Env struct {
	t        testing.TB
	Topology messaging.Topology
	// Conn is a connection named "<test-namespace>-main".
	Conn *messaging.Connection

	mu     sync.Mutex
	groups []string
}

// New returns an Env with a random namespace ("t<hex>."); at cleanup it deletes the namespace's
// topic exchanges, dead-letter exchange and the queues of every tracked group.
func New(t testing.TB) *Env {
	t.Helper()
	env := &Env{t: t, Topology: messaging.Topology{Namespace: "t" + RandomID(6) + "."}}
	env.Conn = env.Dial("main")
	t.Cleanup(env.cleanup)
	return env
}

// Dial opens another connection named "<namespace><suffix>", closed at cleanup.
func (e *Env) Dial(suffix string) *messaging.Connection {
	e.t.Helper()
	conn, err := messaging.DialWith(context.Background(), messaging.DialConfig{
		URL: URL(), Name: e.Topology.Namespace + suffix,
		Reconnect: messaging.Backoff{Initial: 20 * time.Millisecond, Max: 500 * time.Millisecond},
	}, nil)
	if err != nil {
		e.t.Fatalf("dial %s: %v", URL(), err)
	}
	e.t.Cleanup(conn.Close)
	return conn
}

// TrackGroup deletes the group's queue and dead-letter queue at cleanup.
func (e *Env) TrackGroup(group string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.groups = append(e.groups, group)
}

func (e *Env) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ch, err := e.Conn.Channel(ctx)
	if err != nil {
		e.t.Logf("cleanup: %v", err)
		return
	}
	defer ch.Close()
	e.mu.Lock()
	groups := e.groups
	e.mu.Unlock()
	for _, g := range groups {
		_, _ = ch.QueueDelete(e.Topology.Queue(g), false, false, false)
		_, _ = ch.QueueDelete(e.Topology.DeadLetterQueue(g), false, false, false)
	}
	for _, topic := range messaging.Topics {
		_ = ch.ExchangeDelete(e.Topology.Exchange(topic), false, false)
	}
	_ = ch.ExchangeDelete(e.Topology.DeadLetterExchange(), false, false)
}

// CloseConnection makes the broker close every connection whose connection_name is name
// (rabbitmqctl close_connection, run as root on the broker's machine). Other tests' connections
// are untouched. It returns how many connections it closed.
func CloseConnection(t testing.TB, name string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "rabbitmqctl", "-q", "list_connections", "pid", "client_properties").CombinedOutput()
	if err != nil {
		t.Fatalf("rabbitmqctl list_connections: %v\n%s", err, out)
	}
	closed := 0
	// rabbitmqctl prints the property as {"connection_name","x"} (3.x) or with a type tag.
	needles := []string{fmt.Sprintf(`{"connection_name",%q}`, name), fmt.Sprintf(`{"connection_name",longstr,<<%q>>}`, name)}
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.Contains(line, needles[0]) && !strings.Contains(line, needles[1]) {
			continue
		}
		pid := strings.Fields(line)[0]
		if o, err := exec.CommandContext(ctx, "rabbitmqctl", "-q", "close_connection", pid, "test: forced close").CombinedOutput(); err != nil {
			t.Fatalf("rabbitmqctl close_connection %s: %v\n%s", pid, err, o)
		}
		closed++
	}
	return closed
}

// Collector consumes a queue bound to topics and keeps the envelopes it receives.
type Collector struct {
	mu       sync.Mutex
	received []messaging.Envelope
	counts   map[string]int
	changed  chan struct{}
}

// Collect declares an exclusive auto-delete queue bound to every given topic with "#", and
// collects what arrives until the test ends. The queue exists when Collect returns.
func (e *Env) Collect(topics ...string) *Collector {
	e.t.Helper()
	ctx := context.Background()
	ch, err := e.Conn.Channel(ctx)
	if err != nil {
		e.t.Fatalf("collector channel: %v", err)
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		e.t.Fatalf("collector queue: %v", err)
	}
	for _, topic := range topics {
		if err := e.Topology.DeclareExchange(ch, topic); err != nil {
			e.t.Fatalf("collector exchange: %v", err)
		}
		if err := ch.QueueBind(q.Name, "#", e.Topology.Exchange(topic), false, nil); err != nil {
			e.t.Fatalf("collector bind: %v", err)
		}
	}
	deliveries, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		e.t.Fatalf("collector consume: %v", err)
	}
	c := &Collector{counts: map[string]int{}, changed: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for d := range deliveries {
			c.add(d)
		}
	}()
	e.t.Cleanup(func() { _ = ch.Close(); <-done })
	return c
}

func (c *Collector) add(d amqp.Delivery) {
	env, err := messaging.DecodeEnvelope(d.Body)
	if err != nil {
		return
	}
	c.mu.Lock()
	c.received = append(c.received, env)
	c.counts[env.EventID]++
	c.mu.Unlock()
	select {
	case c.changed <- struct{}{}:
	default:
	}
}

// Received returns a copy of everything received so far, in arrival order.
func (c *Collector) Received() []messaging.Envelope {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]messaging.Envelope(nil), c.received...)
}

// Counts returns how many times each event id arrived.
func (c *Collector) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// WaitDistinct waits until at least n distinct event ids arrived or the timeout passes, and
// returns the counts seen.
func (c *Collector) WaitDistinct(n int, timeout time.Duration) map[string]int {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		counts := c.Counts()
		if len(counts) >= n {
			return counts
		}
		select {
		case <-c.changed:
		case <-deadline.C:
			return c.Counts()
		}
	}
}
