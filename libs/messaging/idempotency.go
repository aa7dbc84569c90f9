package messaging

import (
	"context"
	"errors"
)

// IdempotencyStore remembers which events a consumer group has processed, so a duplicate
// delivery has no second effect. Implementations: pgidempotency (PostgreSQL); the store-query
// service has a MongoDB one. Both methods must be safe for concurrent use.
type IdempotencyStore interface {
	// Processed reports whether group already processed eventID.
	Processed(ctx context.Context, group, eventID string) (bool, error)
	// MarkProcessed records that group processed eventID; marking twice is not an error.
	MarkProcessed(ctx context.Context, group, eventID string) error
}

// NewEventTeller is an optional extension of an IdempotencyStore whose consumer keeps entity
// versions: an event newer than the version it holds cannot have been processed yet, so the
// consumer skips the Processed lookup for it (one database read per event less). When it cannot
// tell, it answers false and the lookup happens as usual.
type NewEventTeller interface {
	// Unprocessed reports true only if group certainly has not processed e.
	Unprocessed(group string, e Envelope) bool
}

// Handler handles one event. ctx carries the correlation id, the trace context (a consumer span)
// and the DeliveryInfo. A nil error acks the message; an error retries it up to MaxAttempts, then
// dead-letters it; a Permanent error dead-letters it at once.
type Handler func(ctx context.Context, e Envelope) error

type permanentError struct{ err error }

func (p permanentError) Error() string { return "permanent: " + p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying: the message goes straight to the dead-letter queue
// with the error as the reason. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// IsPermanent reports whether err (or an error it wraps) was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// DeliveryInfo describes the delivery being handled; handlers read it with DeliveryFromContext
// (e.g. to pass the group to pgidempotency.MarkInTx).
type DeliveryInfo struct {
	// Group is the consumer group handling the message.
	Group string
	// Attempt is 1 for the first delivery and grows with every retry.
	Attempt int
	// Redelivered is the broker's flag: the message may have been seen before.
	Redelivered bool
	// Exchange and RoutingKey are where the message was originally published.
	Exchange, RoutingKey string
}

type deliveryKey struct{}

// DeliveryFromContext returns the delivery info the consumer put in a handler's ctx.
func DeliveryFromContext(ctx context.Context) (DeliveryInfo, bool) {
	d, ok := ctx.Value(deliveryKey{}).(DeliveryInfo)
	return d, ok
}

// WithDelivery returns ctx carrying d (for tests of handlers).
func WithDelivery(ctx context.Context, d DeliveryInfo) context.Context {
	return context.WithValue(ctx, deliveryKey{}, d)
}
