package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/tmfcatalog/platform/libs/messaging"
)

const tracerName = "github.com/tmfcatalog/platform/libs/outbox"

// claimSQL takes the oldest due rows in id (= commit order per entity) order, skipping rows other
// relays hold, and any row queued behind an earlier unpublished row of the same entity that has
// already failed at the message level (attempts > 0): such an entity sends only that row, alone,
// until it is published, so one entity's events never overtake each other.
const claimSQL = `
SELECT o.id, o.event_id::text, o.topic, o.routing_key, o.event_type, o.schema_version, o.entity_id,
       o.entity_version, o.payload, o.headers, o.occurred_at, o.attempts
FROM outbox o
WHERE o.published_at IS NULL
  AND o.next_attempt_at <= now()
  AND NOT EXISTS (
      SELECT 1 FROM outbox b
      WHERE b.published_at IS NULL AND b.topic = o.topic AND b.entity_id = o.entity_id
        AND b.id < o.id AND b.attempts > 0)
ORDER BY o.id
LIMIT $1
FOR UPDATE OF o SKIP LOCKED`

type row struct {
	id            int64
	eventID       string
	topic         string
	routingKey    string
	eventType     string
	schemaVersion int32
	entityID      string
	entityVersion int64
	payload       []byte
	headers       []byte
	occurredAt    time.Time
	attempts      int32
}

// batch is a claimed and sent batch: its rows stay locked by tx until complete commits.
type batch struct {
	tx      pgx.Tx
	rows    []row
	spans   []trace.Span
	pending *messaging.Pending
	started time.Time
}

// claimAndSend opens a transaction, claims due rows and sends them without awaiting confirms.
// It returns nil (and no error) when nothing is due.
func (r *Relay) claimAndSend(ctx context.Context) (*batch, error) {
	started := time.Now()
	tx, err := r.claims.Begin(ctx)
	if err != nil {
		return nil, batchErr("begin", err)
	}
	rows, err := claim(ctx, tx, r.cfg.BatchSize)
	if err != nil || len(rows) == 0 {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		if err != nil {
			return nil, batchErr("claim", err)
		}
		return nil, nil
	}
	msgs, spans := r.messages(ctx, rows)
	return &batch{tx: tx, rows: rows, spans: spans, pending: r.pub.Send(ctx, msgs), started: started}, nil
}

// complete awaits a batch's confirms (at most ConfirmTimeout; a stopping relay gives them a
// 5 s grace so rows the broker already has get marked) and records the outcome in the batch's
// transaction.
func (r *Relay) complete(ctx context.Context, b *batch) error {
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = b.tx.Rollback(rctx) // no-op after a successful commit
	}()
	wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.ConfirmTimeout)
	stopGrace := context.AfterFunc(ctx, func() { time.AfterFunc(5*time.Second, wcancel) })
	errs := b.pending.Wait(wctx)
	stopGrace()
	wcancel()

	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	var (
		published []int64
		failedIDs []int64
		failedMsg []string
		failedDly []float64
		brokerErr error
	)
	for i, rw := range b.rows {
		err := errs[i]
		if err != nil && r.cfg.DropUnroutable && errors.Is(err, messaging.ErrUnroutable) {
			r.log.WarnContext(mctx, "dropping unroutable event", "event_id", rw.eventID, "topic", rw.topic, "routing_key", rw.routingKey)
			err = nil
		}
		b.spans[i].End()
		if err == nil {
			published = append(published, rw.id)
			continue
		}
		var delay time.Duration
		switch {
		case errors.Is(err, messaging.ErrUnroutable):
			publishFailuresTotal.WithLabelValues("unroutable").Inc()
			delay = r.cfg.RetryBackoff.Delay(int(rw.attempts) + 1)
		case errors.Is(err, messaging.ErrNacked):
			publishFailuresTotal.WithLabelValues("nacked").Inc()
			delay = r.cfg.RetryBackoff.Delay(int(rw.attempts) + 1)
		case errors.Is(err, messaging.ErrMalformedEnvelope):
			publishFailuresTotal.WithLabelValues("invalid").Inc()
			delay = r.cfg.RetryBackoff.Max
		default:
			// Channel or connection trouble: the whole relay backs off and the row, untouched,
			// stays first in line.
			publishFailuresTotal.WithLabelValues("broker").Inc()
			if brokerErr == nil {
				brokerErr = err
			}
			continue
		}
		failedIDs, failedMsg, failedDly = append(failedIDs, rw.id), append(failedMsg, err.Error()), append(failedDly, delay.Seconds())
	}
	if err := mark(mctx, b.tx, published, failedIDs, failedMsg, failedDly); err != nil {
		return batchErr("mark", err)
	}
	if err := b.tx.Commit(mctx); err != nil {
		return batchErr("commit", err)
	}
	publishedTotal.Add(float64(len(published)))
	batchSeconds.Observe(time.Since(b.started).Seconds())
	if len(failedIDs) > 0 {
		r.log.WarnContext(mctx, "outbox events not published, will retry", "failed", len(failedIDs), "published", len(published), "first_error", failedMsg[0])
	}
	if brokerErr != nil {
		return batchErr("publish", brokerErr)
	}
	return nil
}

func claim(ctx context.Context, tx pgx.Tx, limit int) ([]row, error) {
	rs, err := tx.Query(ctx, claimSQL, limit)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := make([]row, 0, limit)
	for rs.Next() {
		var w row
		if err := rs.Scan(&w.id, &w.eventID, &w.topic, &w.routingKey, &w.eventType, &w.schemaVersion, &w.entityID,
			&w.entityVersion, &w.payload, &w.headers, &w.occurredAt, &w.attempts); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rs.Err()
}

// messages builds the envelopes and starts one producer span per event, child of the trace
// that wrote the row, whose context travels in the AMQP headers.
func (r *Relay) messages(ctx context.Context, rows []row) ([]messaging.Message, []trace.Span) {
	msgs := make([]messaging.Message, len(rows))
	spans := make([]trace.Span, len(rows))
	tracer := otel.Tracer(tracerName)
	prop := otel.GetTextMapPropagator()
	for i, w := range rows {
		var h storedHeaders
		_ = json.Unmarshal(w.headers, &h) // malformed headers only lose tracing data
		e := messaging.Envelope{
			EventID: w.eventID, EventType: w.eventType, SchemaVersion: int(w.schemaVersion),
			EntityID: w.entityID, EntityVersion: w.entityVersion, OccurredAt: w.occurredAt,
			CorrelationID: h.CorrelationID, TraceContext: h.TraceContext, Payload: w.payload,
		}
		sctx := prop.Extract(ctx, propagation.MapCarrier(h.TraceContext))
		sctx, span := tracer.Start(sctx, "publish "+w.topic, trace.WithSpanKind(trace.SpanKindProducer),
			trace.WithAttributes(
				attribute.String("messaging.system", "rabbitmq"),
				attribute.String("messaging.destination.name", r.cfg.Topology.Exchange(w.topic)),
				attribute.String("messaging.rabbitmq.destination.routing_key", w.routingKey),
				attribute.String("messaging.message.id", w.eventID),
			))
		var th map[string]string
		if span.SpanContext().IsValid() {
			carrier := propagation.MapCarrier{}
			prop.Inject(sctx, carrier)
			th = carrier
		}
		msgs[i] = messaging.Message{Topic: w.topic, RoutingKey: w.routingKey, Envelope: e, TraceHeaders: th}
		spans[i] = span
	}
	return msgs, spans
}

func mark(ctx context.Context, tx pgx.Tx, published, failedIDs []int64, failedMsg []string, failedDelay []float64) error {
	if len(published) > 0 {
		if _, err := tx.Exec(ctx, `UPDATE outbox SET published_at = now(), last_error = NULL WHERE id = ANY($1)`, published); err != nil {
			return fmt.Errorf("mark %d published: %w", len(published), err)
		}
	}
	if len(failedIDs) > 0 {
		_, err := tx.Exec(ctx, `
UPDATE outbox AS o
SET attempts = o.attempts + 1, last_error = f.err, next_attempt_at = now() + make_interval(secs => f.delay)
FROM unnest($1::int8[], $2::text[], $3::float8[]) AS f(id, err, delay)
WHERE o.id = f.id`, failedIDs, failedMsg, failedDelay)
		if err != nil {
			return fmt.Errorf("record %d failures: %w", len(failedIDs), err)
		}
	}
	return nil
}
