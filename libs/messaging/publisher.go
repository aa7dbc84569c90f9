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

// maxInFlight is the chunk size of PublishBatch, and returnBuffer the capacity of the return
// buffer: the connection's reader hands basic.returns to it synchronously, so it must hold every
// return that can arrive between two drains (all unconfirmed messages of all pending batches).
const (
	maxInFlight  = 4096
	returnBuffer = 4 * maxInFlight
)

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
// It declares each topic exchange it publishes to once per channel. Safe for concurrent use.
//
// Send and Pending.Wait split a batch so a caller can pipeline: send batch k+1 while batch k's
// confirms are still on their way. Messages go out in Send order on one channel. After the
// channel fails, Send refuses new batches until every earlier Pending has been waited, so a
// later batch never overtakes an earlier one that must be retried.
type Publisher struct {
	conn     *Connection
	topology Topology

	mu sync.Mutex
	pc *pubChannel
}

// pubChannel is one confirm-mode channel and the state tied to it.
type pubChannel struct {
	ch          *amqp.Channel
	returns     chan amqp.Return
	returned    map[string]bool // message ids drained from returns, not yet claimed by a batch
	declared    map[string]bool
	outstanding int // Pending batches sent on ch and not yet waited
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

// PublishBatch publishes every message with pipelined confirms (a chunk is sent, then its
// confirms awaited) and returns one error per message, nil for each confirmed, routed message.
func (p *Publisher) PublishBatch(ctx context.Context, msgs []Message) []error {
	errs := make([]error, 0, len(msgs))
	for start := 0; start < len(msgs); start += maxInFlight {
		end := min(start+maxInFlight, len(msgs))
		errs = append(errs, p.Send(ctx, msgs[start:end]).Wait(ctx)...)
	}
	return errs
}

// Pending is a sent batch whose confirms have not been awaited yet.
type Pending struct {
	p        *Publisher
	pc       *pubChannel
	msgs     []Message
	confirms []*amqp.DeferredConfirmation
	errs     []error
	sent     int   // messages [0, sent) were handed to the channel or failed on their own
	broken   error // why messages [sent, len) were not sent
}

// Send publishes msgs without waiting for their confirms; call Wait on the result exactly once.
// Keep the messages of all un-waited batches under 16,384.
func (p *Publisher) Send(ctx context.Context, msgs []Message) *Pending {
	p.mu.Lock()
	defer p.mu.Unlock()
	pd := &Pending{p: p, msgs: msgs, confirms: make([]*amqp.DeferredConfirmation, len(msgs)), errs: make([]error, len(msgs))}
	if p.pc != nil && p.pc.ch.IsClosed() && p.pc.outstanding > 0 {
		pd.broken = errors.New("publish channel closed with earlier batches unconfirmed")
		return pd
	}
	pc, err := p.channel(ctx)
	if err != nil {
		pd.broken = err
		return pd
	}
	pd.pc = pc
	pc.outstanding++
	for i, m := range msgs {
		pub, err := p.prepare(pc, m)
		if err == nil {
			key := m.RoutingKey
			if key == "" {
				key = m.Envelope.EventType
			}
			pd.confirms[i], err = pc.ch.PublishWithDeferredConfirmWithContext(ctx, p.topology.Exchange(m.Topic), key, true, false, pub)
			if err != nil {
				err = fmt.Errorf("publish %s to %s: %w", m.Envelope.EventID, m.Topic, err)
			}
		}
		if errors.Is(err, ErrMalformedEnvelope) {
			pd.errs[i] = err
			continue
		}
		if err != nil {
			pd.sent, pd.broken = i, err
			return pd
		}
	}
	pd.sent = len(msgs)
	return pd
}

// Wait awaits the confirms of a sent batch and returns one error per message: nil when the
// broker confirmed it and did not return it as unroutable.
func (pd *Pending) Wait(ctx context.Context) []error {
	broken, brokenAt := pd.broken, pd.sent
	for i := range pd.sent {
		dc := pd.confirms[i]
		if dc == nil {
			continue
		}
		acked, err := dc.WaitContext(ctx)
		if err != nil {
			broken, brokenAt = fmt.Errorf("await confirm: %w", err), i
			break
		}
		if !acked {
			if pd.pc.ch.IsClosed() {
				broken, brokenAt = errors.New("await confirm: channel closed before confirm"), i
				break
			}
			pd.errs[i] = ErrNacked
		}
	}
	p := pd.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if pd.pc != nil {
		pd.pc.outstanding--
		// A basic.return precedes the ack of the same message on the wire, and the library hands
		// it to the buffer synchronously, so every return for a confirmed message is there now.
		for drained := false; !drained; {
			select {
			case r, ok := <-pd.pc.returns:
				if !ok { // the channel closed: the library closed the buffer too
					drained = true
					break
				}
				pd.pc.returned[r.MessageId] = true
			default:
				drained = true
			}
		}
		for i := range brokenAt {
			id := pd.msgs[i].Envelope.EventID
			if pd.errs[i] == nil && pd.pc.returned[id] {
				pd.errs[i] = fmt.Errorf("%w: exchange %s, routing key %s", ErrUnroutable, p.topology.Exchange(pd.msgs[i].Topic), pd.msgs[i].RoutingKey)
			}
			delete(pd.pc.returned, id)
		}
	}
	if broken != nil {
		for i := brokenAt; i < len(pd.msgs); i++ {
			if pd.errs[i] == nil {
				pd.errs[i] = broken
			}
		}
		if pd.pc != nil && p.pc == pd.pc {
			_ = pd.pc.ch.Close()
		}
	}
	return pd.errs
}

func (p *Publisher) prepare(pc *pubChannel, m Message) (amqp.Publishing, error) {
	body, err := Encode(m.Envelope)
	if err != nil {
		return amqp.Publishing{}, err
	}
	if !pc.declared[m.Topic] {
		if err := p.topology.DeclareExchange(pc.ch, m.Topic); err != nil {
			return amqp.Publishing{}, err
		}
		pc.declared[m.Topic] = true
	}
	traceHeaders := m.TraceHeaders
	if traceHeaders == nil {
		traceHeaders = m.Envelope.TraceContext
	}
	return toPublishing(m.Envelope, body, traceHeaders), nil
}

// channel returns the current confirm channel, opening a new one when it is closed.
func (p *Publisher) channel(ctx context.Context) (*pubChannel, error) {
	if p.pc != nil && !p.pc.ch.IsClosed() {
		return p.pc, nil
	}
	ch, err := p.conn.Channel(ctx)
	if err != nil {
		return nil, err
	}
	if err := ch.Confirm(false); err != nil {
		_ = ch.Close()
		return nil, fmt.Errorf("enable publisher confirms: %w", err)
	}
	p.pc = &pubChannel{
		ch: ch, returns: ch.NotifyReturn(make(chan amqp.Return, returnBuffer)),
		returned: map[string]bool{}, declared: map[string]bool{},
	}
	return p.pc, nil
}

// Close closes the publisher's channel; the connection stays open.
func (p *Publisher) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pc != nil {
		_ = p.pc.ch.Close()
	}
}
