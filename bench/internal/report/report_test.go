package report

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sample() Report {
	return Report{
		Facts: Facts{Date: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), CPU: "Test CPU", Cores: 2, MemoryMiB: 2048,
			Kernel: "6.1", GoVersion: "go1.26", LoadAvg: "0.1 0.2 0.3", Command: "bench", Runtime: 90 * time.Second},
		Sections: []Section{
			{
				Name: "gateway", Title: "Gateway overhead", Method: "Closed loop at 32 clients.",
				Table: Table{Header: []string{"path", "req/s"}, Rows: [][]string{{"direct", "1000"}, {"via | gateway", "900"}}},
				Goals: []Goal{{Text: "≥ 80% of nginx", Measured: "95%", Met: true}, {Text: "p99 < 25 ms", Measured: "40 ms", Miss: "+15 ms"}},
				Charts: []Chart{{File: "gateway.png", Title: "Throughput", YLabel: "req/s", Kind: Bars,
					Labels: []string{"direct", "gateway"}, Series: []Series{{Name: "req/s", Values: []float64{1000, 900}}}}},
				Notes:   []string{"profile shows JSON encoding"},
				Elapsed: 12 * time.Second,
			},
			{Name: "search", Title: "Store search", Err: errors.New("index failed\nstack")},
		},
	}
}

func TestMarkdownHasFactsGoalsTablesChartsAndFailures(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, sample(), "benchmarks"); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"| date | 2026-11-30 08:00 UTC |", "Test CPU, 2 cores, 2048 MiB RAM",
		"| Gateway overhead | ≥ 80% of nginx | 95% | met |",
		"| Gateway overhead | p99 < 25 ms | 40 ms | MISSED (+15 ms) |",
		"| via \\| gateway | 900 |", "![Throughput](benchmarks/gateway.png)", "- profile shows JSON encoding",
		"| Store search | — | did not complete: index failed | FAILED |", "_Scenario time: 12s._",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestWriteMarkdownWritesTheReportAndDecodablePNGs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "benchmarks.md")
	r := sample()
	r.Sections[0].Charts = append(r.Sections[0].Charts, Chart{File: "knee.png", Title: "Knee", Kind: Lines,
		XLabel: "offered req/s", YLabel: "p99 ms", Threshold: 50, ThresholdLabel: "p99 goal",
		Series: []Series{{Name: "p99", X: []float64{10, 20, 40}, Values: []float64{5, 9, 70}}}})
	if err := WriteMarkdown(path, r); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !strings.Contains(string(b), "benchmarks/knee.png") {
		t.Fatalf("report missing or without the chart link: %v", err)
	}
	for _, name := range []string{"gateway.png", "knee.png"} {
		f, err := os.Open(filepath.Join(dir, "benchmarks", name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s is not a PNG: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 200 {
			t.Fatalf("%s is only %v", name, b)
		}
	}
}

func TestChartRejectsMismatchedSeries(t *testing.T) {
	tests := []struct {
		name string
		c    Chart
	}{
		{"bars with fewer values than labels", Chart{File: "a", Kind: Bars, Labels: []string{"a", "b"}, Series: []Series{{Values: []float64{1}}}}},
		{"bars without series", Chart{File: "b", Kind: Bars, Labels: []string{"a"}}},
		{"lines with fewer x than values", Chart{File: "c", Kind: Lines, Series: []Series{{X: []float64{1}, Values: []float64{1, 2}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.c.Plot(); err == nil {
				t.Fatal("Plot accepted it")
			}
		})
	}
}

func TestConsoleAlignsTablesAndListsVerdicts(t *testing.T) {
	var b bytes.Buffer
	Console(&b, sample())
	out := b.String()
	for _, want := range []string{"== Gateway overhead (12s)", "direct         1000", "gateway   p99 < 25 ms", "MISSED (+15 ms)", "did not complete: index failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("console output lacks %q:\n%s", want, out)
		}
	}
}

func TestMachineFactParsers(t *testing.T) {
	if got := CPUModel("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags: x\n"); got != "AMD EPYC 7B13" {
		t.Fatalf("CPUModel = %q", got)
	}
	if got := CPUModel("nothing here"); got != "unknown CPU" {
		t.Fatalf("CPUModel of junk = %q", got)
	}
	if got := MemTotalMiB("MemTotal:       24684196 kB\nMemFree: 1 kB\n"); got != 24105 {
		t.Fatalf("MemTotalMiB = %d, want 24105", got)
	}
}
