package messaging

import (
	"context"
	"errors"
	"fmt"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Publishing failures reported per message by PublishBatch.
var (
	// ErrUnroutable means the broker returned a mandatory message: no queue is bound for it yet.
	ErrUnroutable = errors.New("messaging: message unroutable (no queue bound)")
	// ErrNacked means the broker refused responsibility for a message (publisher confirm nack).
	ErrNacked = errors.New("messaging: message nacked by broker")
)

// maxInFlight bounds the unconfirmed messages per round trip; it is also the capacity of the
// return buffer, so the connection's reader can never block on returns we have not drained.
const maxInFlight = 4096

// Message is one event to publish.
type Message struct {
	// Topic selects the exchange (Topology.Exchange(Topic)).
	Topic string
	// RoutingKey defaults to the envelope's event type.
	RoutingKey string
	// Envelope is the event.
	Envelope Envelope
	// TraceHeaders, when set, are the trace headers of this hop (e.g. a producer span);
	// otherwise the envelope's TraceContext is copied into the AMQP headers.
	TraceHeaders map[string]string
}

// Publisher publishes envelopes with publisher confirms and the mandatory flag: a nil error
// means the broker has taken responsibility for the message and routed it to at least one queue.
// It declares each topic exchange it publishes to once per channel. Safe for concurrent use;
// batches are serialised.
type Publisher struct {
	conn     *Connection
	topology Topology

	mu       sync.Mutex
	ch       *amqp.Channel
	returns  chan amqp.Return
	declared map[string]bool
}

// NewPublisher returns a publisher on conn using topology's exchange names.
func NewPublisher(conn *Connection, topology Topology) *Publisher {
	return &Publisher{conn: conn, topology: topology}
}

// Publish publishes one envelope and waits for its confirm. The trace context of ctx, when
// there is one, goes into the AMQP headers; otherwise the envelope's.
func (p *Publisher) Publish(ctx context.Context, topic, routingKey string, e Envelope) error {
	m := Message{Topic: topic, RoutingKey: routingKey, Envelope: e}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		carrier := propagation.MapCarrier{}
		otel.GetTextMapPropagator().Inject(ctx, carrier)
		m.TraceHeaders = carrier
	}
	return p.PublishBatch(ctx, []Message{m})[0]
}

// PublishBatch publishes every message with pipelined confirms (all sent, then all confirms
// awaited) and returns one error per message, nil for each confirmed and routed message.
func (p *Publisher) PublishBatch(ctx context.Context, msgs []Message) []error {
	errs := make([]error, len(msgs))
	p.mu.Lock()
	defer p.mu.Unlock()
	for start := 0; start < len(msgs); start += maxInFlight {
		end := min(start+maxInFlight, len(msgs))
		if err := p.publishChunk(ctx, msgs[start:end], errs[start:end]); err != nil {
			for i := end; i < len(msgs); i++ {
				errs[i] = err
			}
			break
		}
	}
	return errs
}

// publishChunk fills errs for msgs; a non-nil return means the channel is unusable.
func (p *Publisher) publishChunk(ctx context.Context, msgs []Message, errs []error) error {
	fail := func(from int, err error) error {
		for i := from; i < len(msgs); i++ {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		p.discardChannel()
		return err
	}
	ch, err := p.channel(ctx)
	if err != nil {
		return fail(0, err)
	}
	confirms := make([]*amqp.DeferredConfirmation, len(msgs))
	var broken error // set when the channel failed mid-chunk: messages from brokenAt on failed
	brokenAt := len(msgs)
	for i, m := range msgs {
		pub, err := p.prepare(ch, m)
		if err == nil {
			key := m.RoutingKey
			if key == "" {
				key = m.Envelope.EventType
			}
			confirms[i], err = ch.PublishWithDeferredConfirmWithContext(ctx, p.topology.Exchange(m.Topic), key, true, false, pub)
			if err != nil {
				err = fmt.Errorf("publish %s to %s: %w", m.Envelope.EventID, m.Topic, err)
			}
		}
		if errors.Is(err, ErrMalformedEnvelope) {
			errs[i] = err
			continue
		}
		if err != nil {
			broken, brokenAt = err, i
			break
		}
	}
	// Settle everything already sent: a message counts as delivered only once confirmed.
	for i := range brokenAt {
		dc := confirms[i]
		if dc == nil {
			continue
		}
		acked, err := dc.WaitContext(ctx)
		if err != nil {
			return fail(i, fmt.Errorf("await confirm: %w", err))
		}
		if !acked {
			if ch.IsClosed() {
				return fail(i, fmt.Errorf("await confirm: channel closed before confirm"))
			}
			errs[i] = ErrNacked
		}
	}
	if broken != nil {
		return fail(brokenAt, broken)
	}
	// A basic.return precedes the ack of the same message on the wire, and the library hands
	// it to p.returns synchronously, so every return for this chunk is buffered by now.
	returned := map[string]bool{}
	for drained := false; !drained; {
		select {
		case r := <-p.returns:
			returned[r.MessageId] = true
		default:
			drained = true
		}
	}
	for i, m := range msgs {
		if errs[i] == nil && returned[m.Envelope.EventID] {
			errs[i] = fmt.Errorf("%w: exchange %s, routing key %s", ErrUnroutable, p.topology.Exchange(m.Topic), m.RoutingKey)
		}
	}
	return nil
}

func (p *Publisher) prepare(ch *amqp.Channel, m Message) (amqp.Publishing, error) {
	body, err := Encode(m.Envelope)
	if err != nil {
		return amqp.Publishing{}, err
	}
	if !p.declared[m.Topic] {
		if err := p.topology.DeclareExchange(ch, m.Topic); err != nil {
			return amqp.Publishing{}, err
		}
		p.declared[m.Topic] = true
	}
	traceHeaders := m.TraceHeaders
	if traceHeaders == nil {
		traceHeaders = m.Envelope.TraceContext
	}
	return toPublishing(m.Envelope, body, traceHeaders), nil
}

func (p *Publisher) channel(ctx context.Context) (*amqp.Channel, error) {
	if p.ch != nil && !p.ch.IsClosed() {
		return p.ch, nil
	}
	ch, err := p.conn.Channel(ctx)
	if err != nil {
		return nil, err
	}
	if err := ch.Confirm(false); err != nil {
		_ = ch.Close()
		return nil, fmt.Errorf("enable publisher confirms: %w", err)
	}
	p.returns = ch.NotifyReturn(make(chan amqp.Return, maxInFlight))
	p.ch, p.declared = ch, map[string]bool{}
	return ch, nil
}

func (p *Publisher) discardChannel() {
	if p.ch != nil {
		_ = p.ch.Close()
	}
	p.ch = nil
}

// Close closes the publisher's channel; the connection stays open.
func (p *Publisher) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.discardChannel()
}
