package engine

import (
	"errors"
	"testing"

	"github.com/tmfcatalog/platform/engine/internal/model"
)

func TestVariablesDocumentsAreNormalized(t *testing.T) {
	tests := []struct {
		name, in, want string
		invalid        bool
	}{
		{"an empty document is an empty object", "", "{}", false},
		{"null is an empty object", " null ", "{}", false},
		{"an object is kept", `{"a":1}`, `{"a":1}`, false},
		{"an array is refused", `[1]`, "", true},
		{"a scalar is refused", `"x"`, "", true},
		{"broken JSON is refused", `{"a":`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizeVariables(tt.in)
			if tt.invalid != errors.Is(err, ErrInvalidArgument) || got != tt.want {
				t.Fatalf("normalizeVariables(%q) = %q, %v", tt.in, got, err)
			}
		})
	}
}

func TestFetchVariablesKeepsOnlyTheNamedOnes(t *testing.T) {
	got, err := filterVariables(`{"a":1,"b":{"c":2},"d":3}`, []string{"b", "missing"})
	if err != nil || got != `{"b":{"c":2}}` {
		t.Fatalf("filterVariables = %s, %v", got, err)
	}
	if all, _ := filterVariables(`{"a":1}`, nil); all != `{"a":1}` {
		t.Fatalf("no filter changed the document: %s", all)
	}
}

func TestOutcomeIsTheEndEventNameInSnakeCase(t *testing.T) {
	if got := outcomeOf(&model.Element{ID: "EndEvent_PublicationFailed", Name: "Publication failed"}); got != "publication_failed" {
		t.Fatalf("outcome = %q", got)
	}
	if got := outcomeOf(&model.Element{ID: "end"}); got != "end" {
		t.Fatalf("outcome without a name = %q", got)
	}
}
