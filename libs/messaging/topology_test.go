package messaging

import "testing"

func TestTopologyNames(t *testing.T) {
	tests := []struct {
		name string
		ns   string
		got  func(Topology) string
		want string
	}{
		{"no namespace keeps the production exchange name", "", func(t Topology) string { return t.Exchange(TopicPricing) }, "commercial.pricing.events"},
		{"a namespace is joined with a dot", "t1", func(t Topology) string { return t.Exchange(TopicPricing) }, "t1.commercial.pricing.events"},
		{"a namespace ending in a separator is used as is", "dev-", func(t Topology) string { return t.Queue("store-query") }, "dev-store-query"},
		{"the group queue is the group name", "", func(t Topology) string { return t.Queue("store-query") }, "store-query"},
		{"the dead-letter queue adds .dlq", "ns.", func(t Topology) string { return t.DeadLetterQueue("store-query") }, "ns.store-query.dlq"},
		{"the dead-letter exchange is namespaced", "ns", func(t Topology) string { return t.DeadLetterExchange() }, "ns.events.dlx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(Topology{Namespace: tt.ns}); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConsumerConfigValidateNamesEveryProblem(t *testing.T) {
	err := ConsumerConfig{}.Validate()
	if err == nil {
		t.Fatal("empty config accepted")
	}
	for _, want := range []string{"group", "binding"} {
		if !contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	ok := ConsumerConfig{Group: "g", Bindings: map[string][]string{TopicPricing: {"#"}}}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid config rejected: %v", err)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
