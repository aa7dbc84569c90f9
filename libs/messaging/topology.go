package messaging

import (
	"fmt"
	"strings"

	amqp "github.com/rabbitmq/amqp091-go"
)

// The platform's event topics. Each one is a durable topic exchange (prefixed by the namespace);
// the routing key of every message is its event type.
const (
	TopicCharacteristics = "resource.characteristics.events"
	TopicSpecifications  = "resource.specifications.events"
	TopicPricing         = "commercial.pricing.events"
	TopicOfferings       = "product.offering.events"
)

// Topics lists every platform topic.
var Topics = []string{TopicCharacteristics, TopicSpecifications, TopicPricing, TopicOfferings}

// Names of the dead-letter exchange and the suffix of the per-group dead-letter queues.
const (
	deadLetterExchange = "events.dlx"
	deadLetterSuffix   = ".dlq"
)

// Topology names every exchange and queue. Namespace (EVENT_NAMESPACE) prefixes every name so
// tests and parallel stacks on one broker never see each other's messages.
type Topology struct {
	// Namespace is the prefix; "" means the production names. A separator "." is added unless
	// the namespace already ends with one of ". - _ :".
	Namespace string
}

func (t Topology) name(s string) string {
	if t.Namespace == "" {
		return s
	}
	if strings.ContainsAny(t.Namespace[len(t.Namespace)-1:], ".-_:") {
		return t.Namespace + s
	}
	return t.Namespace + "." + s
}

// Exchange is the durable topic exchange of a topic.
func (t Topology) Exchange(topic string) string { return t.name(topic) }

// Queue is the durable queue of a consumer group. Group names are explicit constants chosen by the
// consuming service (e.g. "store-query"), never derived from Go type names.
func (t Topology) Queue(group string) string { return t.name(group) }

// DeadLetterExchange is the durable direct exchange that receives dead-lettered messages; the
// routing key is the consumer group.
func (t Topology) DeadLetterExchange() string { return t.name(deadLetterExchange) }

// DeadLetterQueue is the durable queue holding a group's dead-lettered messages.
func (t Topology) DeadLetterQueue(group string) string { return t.name(group + deadLetterSuffix) }

// DeclareExchange declares the durable topic exchange of a topic (idempotent).
func (t Topology) DeclareExchange(ch *amqp.Channel, topic string) error {
	if err := ch.ExchangeDeclare(t.Exchange(topic), amqp.ExchangeTopic, true, false, false, false, nil); err != nil {
		return fmt.Errorf("declare exchange %s: %w", t.Exchange(topic), err)
	}
	return nil
}

// DeclareGroup declares, idempotently, everything a consumer group needs: the topic exchanges,
// the group's durable queue bound with the given routing keys (topic → keys, "#" for all), the
// dead-letter exchange and the group's dead-letter queue. A message rejected without requeue
// from the group's queue is routed to its dead-letter queue by the broker as well.
func (t Topology) DeclareGroup(ch *amqp.Channel, group string, bindings map[string][]string) error {
	if group == "" {
		return fmt.Errorf("declare group: empty group name")
	}
	dlx, dlq := t.DeadLetterExchange(), t.DeadLetterQueue(group)
	if err := ch.ExchangeDeclare(dlx, amqp.ExchangeDirect, true, false, false, false, nil); err != nil {
		return fmt.Errorf("declare dead-letter exchange %s: %w", dlx, err)
	}
	if _, err := ch.QueueDeclare(dlq, true, false, false, false, nil); err != nil {
		return fmt.Errorf("declare dead-letter queue %s: %w", dlq, err)
	}
	if err := ch.QueueBind(dlq, group, dlx, false, nil); err != nil {
		return fmt.Errorf("bind dead-letter queue %s: %w", dlq, err)
	}
	q := t.Queue(group)
	args := amqp.Table{"x-dead-letter-exchange": dlx, "x-dead-letter-routing-key": group}
	if _, err := ch.QueueDeclare(q, true, false, false, false, args); err != nil {
		return fmt.Errorf("declare queue %s: %w", q, err)
	}
	for topic, keys := range bindings {
		if err := t.DeclareExchange(ch, topic); err != nil {
			return err
		}
		if len(keys) == 0 {
			keys = []string{"#"}
		}
		for _, key := range keys {
			if err := ch.QueueBind(q, key, t.Exchange(topic), false, nil); err != nil {
				return fmt.Errorf("bind queue %s to %s with %q: %w", q, t.Exchange(topic), key, err)
			}
		}
	}
	return nil
}
