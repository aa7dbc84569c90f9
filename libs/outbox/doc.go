// Package outbox implements the transactional outbox: services append events to the outbox
// table inside the same PostgreSQL transaction as their business change (Add), and a Relay
// publishes committed rows to RabbitMQ with publisher confirms, marking them published.
//
// A rolled-back transaction never publishes anything; a committed one publishes each event at
// least once, even across relay, broker and database restarts. See docs/events.md.
package outbox
