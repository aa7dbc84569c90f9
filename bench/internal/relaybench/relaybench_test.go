package relaybench

import (
	"encoding/json"
	"testing"
)

func TestSeqOfFindsTheNumberInPayloadsAndEnvelopes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want int
	}{
		{"a payload as Go encodes it", string(Payload(1234)), 1234},
		{"an envelope with jsonb spacing", `{"event_id":"x","payload":{"bench_seq": 77, "id": "y"}}`, 77},
		{"a body without the field", `{"id":"z"}`, -1},
		{"a field without digits", `{"bench_seq": "x"}`, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SeqOf([]byte(tt.body)); got != tt.want {
				t.Fatalf("SeqOf(%s) = %d, want %d", tt.body, got, tt.want)
			}
		})
	}
}

func TestPayloadIsAnEntitySizedJSONObject(t *testing.T) {
	b := Payload(5)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(b) < 350 || len(b) > 600 || m["bench_seq"] != float64(5) {
		t.Fatalf("payload of %d bytes: %s", len(b), b)
	}
}
