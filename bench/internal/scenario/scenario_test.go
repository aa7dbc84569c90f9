package scenario

import (
	"slices"
	"testing"
)

func TestParseBenchMetricsReadsCustomUnits(t *testing.T) {
	out := `goos: linux
BenchmarkPublication-2   	     400	   6140931 ns/op	        41.00 p50_ms	       120.0 p99_ms	       162.8 instances/s
PASS`
	m := ParseBenchMetrics(out, "BenchmarkPublication")
	if m["instances/s"] != 162.8 || m["p50_ms"] != 41 || m["p99_ms"] != 120 || m["ns/op"] != 6140931 {
		t.Fatalf("metrics = %v", m)
	}
	if len(ParseBenchMetrics("PASS", "BenchmarkPublication")) != 0 {
		t.Fatal("metrics found in output without a result line")
	}
}

func TestScenarioNamesAreUniqueAndStacklessOnesComeFirst(t *testing.T) {
	var names []string
	seenStack := false
	for _, s := range All() {
		if slices.Contains(names, s.Name) {
			t.Fatalf("scenario %s listed twice", s.Name)
		}
		names = append(names, s.Name)
		if s.NeedsStack {
			seenStack = true
		} else if seenStack {
			t.Fatalf("%s needs no platform but runs after one that does", s.Name)
		}
	}
	for _, want := range []string{"outbox", "gateway", "write", "propagation", "saga", "engine", "search", "memory"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s scenario", want)
		}
	}
}
