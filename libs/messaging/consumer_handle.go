package messaging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	amqp "github.com/rabbitmq/amqp091-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
)

const tracerName = "github.com/tmfcatalog/platform/libs/messaging"

// maxReasonBytes bounds the dead-letter reason header.
const maxReasonBytes = 2048

// handle processes one delivery and always settles it (ack, republish+ack, or dead-letter).
func (c *Consumer) handle(ctx context.Context, out *sidePublisher, d amqp.Delivery) {
	group := c.cfg.Group
	attempt := max(1, headerInt(d.Headers, HeaderAttempt))
	e, err := DecodeEnvelope(d.Body)
	if err != nil {
		c.deadLetter(ctx, out, d, attempt, "poison", fmt.Sprintf("undecodable message: %v", err))
		return
	}
	if c.cfg.Idempotency != nil {
		unlock := c.inflight.Lock(e.EventID)
		defer unlock()
		done, err := c.processed(ctx, group, e)
		if err != nil {
			c.retry(ctx, out, d, attempt, e, fmt.Errorf("idempotency check: %w", err))
			return
		}
		if done {
			duplicatesTotal.WithLabelValues(group).Inc()
			c.log.DebugContext(ctx, "duplicate event skipped", "event_id", e.EventID)
			c.ack(ctx, d)
			return
		}
	}
	hctx, span, cancel := c.handlerContext(ctx, d, e, attempt)
	defer cancel()
	started := time.Now()
	err = c.call(hctx, e)
	handlerSeconds.WithLabelValues(group).Observe(time.Since(started).Seconds())
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
	if err != nil {
		c.retry(ctx, out, d, attempt, e, err)
		return
	}
	if c.cfg.Idempotency != nil {
		if err := c.cfg.Idempotency.MarkProcessed(ctx, group, e.EventID); err != nil {
			// The effect happened; retrying would repeat it. Ack and report.
			c.log.ErrorContext(ctx, "record processed event", "event_id", e.EventID, "error", err.Error())
		}
	}
	consumedTotal.WithLabelValues(group).Inc()
	c.ack(ctx, d)
}

// processed asks the idempotency store whether group already processed e, unless the store
// can tell at once that e is new.
func (c *Consumer) processed(ctx context.Context, group string, e Envelope) (bool, error) {
	if t, ok := c.cfg.Idempotency.(NewEventTeller); ok && t.Unprocessed(group, e) {
		return false, nil
	}
	return c.cfg.Idempotency.Processed(ctx, group, e.EventID)
}

// handlerContext builds the handler's ctx: not cancelled when Run's ctx ends (an in-flight
// handler finishes during shutdown) but bounded by HandlerTimeout.
func (c *Consumer) handlerContext(ctx context.Context, d amqp.Delivery, e Envelope, attempt int) (context.Context, trace.Span, context.CancelFunc) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.HandlerTimeout)
	hctx = extractTrace(hctx, d.Headers, e)
	if e.CorrelationID != "" {
		hctx = correlation.With(hctx, e.CorrelationID)
	}
	exchange, key := originalRoute(d)
	hctx = WithDelivery(hctx, DeliveryInfo{
		Group: c.cfg.Group, Attempt: attempt, Redelivered: d.Redelivered, Exchange: exchange, RoutingKey: key,
	})
	hctx, span := otel.Tracer(tracerName).Start(hctx, "consume "+e.EventType,
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			attribute.String("messaging.system", "rabbitmq"),
			attribute.String("messaging.destination.name", exchange),
			attribute.String("messaging.consumer.group.name", c.cfg.Group),
			attribute.String("messaging.message.id", e.EventID),
			attribute.Int("messaging.delivery.attempt", attempt),
		))
	return hctx, span, cancel
}

// call runs the handler, turning a panic into an error.
func (c *Consumer) call(ctx context.Context, e Envelope) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panic: %v", r)
		}
	}()
	return c.h(ctx, e)
}

// retry republishes a failed message with attempt+1 after a backoff, or dead-letters it when
// the error is permanent or attempts are exhausted.
func (c *Consumer) retry(ctx context.Context, out *sidePublisher, d amqp.Delivery, attempt int, e Envelope, cause error) {
	failedTotal.WithLabelValues(c.cfg.Group).Inc()
	switch {
	case IsPermanent(cause):
		c.deadLetter(ctx, out, d, attempt, "permanent", cause.Error())
		return
	case attempt >= c.cfg.MaxAttempts:
		c.deadLetter(ctx, out, d, attempt, "max_attempts", fmt.Sprintf("failed %d times, last error: %v", attempt, cause))
		return
	}
	c.log.WarnContext(ctx, "event handling failed, will retry", "event_id", e.EventID, "event_type", e.EventType,
		"attempt", attempt, "error", cause.Error())
	if err := Sleep(ctx, c.cfg.RetryBackoff.Delay(attempt)); err != nil {
		c.nack(ctx, d, true) // shutting down: the broker redelivers it later
		return
	}
	exchange, key := originalRoute(d)
	msg := republished(d)
	msg.Headers[HeaderAttempt] = int32(attempt + 1)
	msg.Headers[HeaderOriginalExchange] = exchange
	msg.Headers[HeaderOriginalRouting] = key
	if err := out.publish(ctx, "", c.cfg.Topology.Queue(c.cfg.Group), msg); err != nil {
		c.log.WarnContext(ctx, "requeue for retry failed", "event_id", e.EventID, "error", err.Error())
		c.nack(ctx, d, true)
		return
	}
	c.ack(ctx, d)
}

// deadLetter publishes the message to the dead-letter exchange with the reason, then acks it.
// If that publish fails the message is rejected without requeue, which the queue's own
// dead-letter arguments route to the same dead-letter queue: a poison message never loops.
func (c *Consumer) deadLetter(ctx context.Context, out *sidePublisher, d amqp.Delivery, attempt int, cause, reason string) {
	deadLetteredTotal.WithLabelValues(c.cfg.Group, cause).Inc()
	c.log.ErrorContext(ctx, "message dead-lettered", "message_id", d.MessageId, "cause", cause, "reason", reason)
	exchange, key := originalRoute(d)
	msg := republished(d)
	msg.Headers[HeaderDeadLetterReason] = truncate(reason, maxReasonBytes)
	msg.Headers[HeaderConsumerGroup] = c.cfg.Group
	msg.Headers[HeaderAttempt] = int32(attempt)
	msg.Headers[HeaderOriginalExchange] = exchange
	msg.Headers[HeaderOriginalRouting] = key
	msg.Headers[HeaderDeadLetteredAt] = time.Now().UTC().Format(time.RFC3339Nano)
	if err := out.publish(ctx, c.cfg.Topology.DeadLetterExchange(), c.cfg.Group, msg); err != nil {
		c.log.WarnContext(ctx, "dead-letter publish failed, rejecting instead", "message_id", d.MessageId, "error", err.Error())
		c.nack(ctx, d, false)
		return
	}
	c.ack(ctx, d)
}

func (c *Consumer) ack(ctx context.Context, d amqp.Delivery) {
	if err := d.Ack(false); err != nil {
		c.log.WarnContext(ctx, "ack failed (message will be redelivered)", "message_id", d.MessageId, "error", err.Error())
	}
}

func (c *Consumer) nack(ctx context.Context, d amqp.Delivery, requeue bool) {
	if err := d.Nack(false, requeue); err != nil {
		c.log.WarnContext(ctx, "nack failed (message will be redelivered)", "message_id", d.MessageId, "error", err.Error())
	}
}

// originalRoute is where the message was first published, surviving retries through the
// default exchange.
func originalRoute(d amqp.Delivery) (exchange, key string) {
	exchange, key = d.Exchange, d.RoutingKey
	if v, ok := d.Headers[HeaderOriginalExchange].(string); ok {
		exchange = v
	}
	if v, ok := d.Headers[HeaderOriginalRouting].(string); ok {
		key = v
	}
	return exchange, key
}

func republished(d amqp.Delivery) amqp.Publishing {
	h := amqp.Table{}
	for k, v := range d.Headers {
		h[k] = v
	}
	return amqp.Publishing{
		Headers: h, ContentType: d.ContentType, ContentEncoding: d.ContentEncoding,
		DeliveryMode: amqp.Persistent, Priority: d.Priority, CorrelationId: d.CorrelationId,
		MessageId: d.MessageId, Timestamp: d.Timestamp, Type: d.Type, AppId: d.AppId, Body: d.Body,
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// sidePublisher is the consumer's confirmed channel for retries and dead letters.
type sidePublisher struct {
	mu sync.Mutex
	ch *amqp.Channel
}

func newSidePublisher(ctx context.Context, conn *Connection) (*sidePublisher, error) {
	ch, err := conn.Channel(ctx)
	if err != nil {
		return nil, err
	}
	if err := ch.Confirm(false); err != nil {
		_ = ch.Close()
		return nil, fmt.Errorf("enable confirms on retry channel: %w", err)
	}
	return &sidePublisher{ch: ch}, nil
}

func (s *sidePublisher) publish(ctx context.Context, exchange, key string, msg amqp.Publishing) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	dc, err := s.ch.PublishWithDeferredConfirmWithContext(ctx, exchange, key, false, false, msg)
	if err != nil {
		return fmt.Errorf("publish to %q: %w", exchange, err)
	}
	acked, err := dc.WaitContext(ctx)
	if err != nil {
		return fmt.Errorf("await confirm: %w", err)
	}
	if !acked {
		return errors.New("publish not confirmed")
	}
	return nil
}

func (s *sidePublisher) close() { _ = s.ch.Close() }
