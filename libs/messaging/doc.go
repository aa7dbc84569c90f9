// Package messaging is the platform's event bus on RabbitMQ: the event envelope and its codec,
// the exchange/queue topology, a reconnecting connection, a confirmed publisher, and a consumer
// with manual acks, bounded concurrency, bounded redelivery, dead-lettering and idempotency.
//
// Delivery is at-least-once. Consumers make effects exactly-once with an IdempotencyStore
// (processed event ids) and by ignoring events older than the version they already hold.
package messaging
