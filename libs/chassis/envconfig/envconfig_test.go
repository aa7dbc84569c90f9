package envconfig

import (
	"strings"
	"testing"
	"time"
)

func TestReaderUsesDefaultsWhenUnset(t *testing.T) {
	t.Parallel()
	r := FromMap(nil)
	if got := r.String("A", "x"); got != "x" {
		t.Fatalf("String = %q", got)
	}
	if got := r.Int("B", 7); got != 7 {
		t.Fatalf("Int = %d", got)
	}
	if got := r.Duration("C", time.Second); got != time.Second {
		t.Fatalf("Duration = %v", got)
	}
	if got := r.List("D", []string{"a"}); len(got) != 1 || got[0] != "a" {
		t.Fatalf("List = %v", got)
	}
	if err := r.Err(); err != nil {
		t.Fatalf("Err = %v", err)
	}
}

func TestReaderParsesValues(t *testing.T) {
	t.Parallel()
	r := FromMap(map[string]string{"N": " 42 ", "D": "150ms", "B": "yes", "L": "a, b,,c", "M": "API"})
	if r.Int("N", 0) != 42 || r.Duration("D", 0) != 150*time.Millisecond || !r.Bool("B", false) {
		t.Fatal("parsed values differ")
	}
	if got := strings.Join(r.List("L", nil), "|"); got != "a|b|c" {
		t.Fatalf("List = %q", got)
	}
	if got := r.OneOf("M", "x", "api", "all"); got != "api" {
		t.Fatalf("OneOf = %q", got)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestEveryBadValueIsReportedByName(t *testing.T) {
	t.Parallel()
	r := FromMap(map[string]string{"PORT": "eighty", "TIMEOUT": "soon", "DEBUG": "maybe", "MODE": "x"})
	r.Int("PORT", 1)
	r.Duration("TIMEOUT", 1)
	r.Bool("DEBUG", false)
	r.OneOf("MODE", "a", "a", "b")
	r.Required("SECRET")
	err := r.Err()
	if err == nil {
		t.Fatal("want an error")
	}
	for _, name := range []string{"PORT", "TIMEOUT", "DEBUG", "MODE", "SECRET"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}
