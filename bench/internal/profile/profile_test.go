package profile

import "testing"

func TestParseReportReadsFlatAndCumulativeLines(t *testing.T) {
	flat := `# Samples: 1K of event 'cpu-clock'
#
# Overhead  Symbol
# ........  ......
#
    21.50%  [.] crypto/internal/fips140/bigmod.addMulVVW2048
     7.25%  [k] _raw_spin_unlock_irqrestore
     3.00%  [.] runtime.mallocgc

`
	got := ParseReport(flat, 2)
	want := []Entry{{21.5, "crypto/internal/fips140/bigmod.addMulVVW2048", false}, {7.25, "_raw_spin_unlock_irqrestore", true}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("flat = %+v, want %+v", got, want)
	}
	if got := ParseReport("     4.20%  [k] finish_task_switch.isra.0 - -\n", 1); got[0].Symbol != "finish_task_switch.isra.0" {
		t.Fatalf("trailing callchain columns kept: %q", got[0].Symbol)
	}
	if f := Filter(want, 5, "bigmod"); len(f) != 1 || f[0] != want[0] {
		t.Fatalf("Filter = %+v", f)
	}
	cum := "    60.00%     0.10%  [.] net/http.(*conn).serve\n    40.00%    21.50%  [.] crypto/rsa.VerifyPKCS1v15\n"
	got = ParseReport(cum, 5)
	if len(got) != 2 || got[1].Symbol != "crypto/rsa.VerifyPKCS1v15" || got[1].Percent != 40 {
		t.Fatalf("cumulative = %+v", got)
	}
	if s := Format(got[:1]); s != "60.0% `net/http.(*conn).serve`" {
		t.Fatalf("Format = %q", s)
	}
}

func TestGroupSelfBucketsSymbolsByOrigin(t *testing.T) {
	es := []Entry{
		{10, "_raw_spin_unlock_irqrestore", true}, {5, "runtime.scanObject", false}, {4, "runtime.mallocgcTiny", false},
		{3, "go.opentelemetry.io/otel/sdk/trace.(*tracer).Start", false}, {2, "github.com/tmfcatalog/platform/x.F", false},
		{1, "net/http.(*conn).serve", false}, {1, "runtime.memmove", false}, {0.5, "weird", false},
	}
	got := GroupSelf(es)
	want := map[string]float64{"kernel (network stack, scheduling)": 10, "Go GC": 5, "Go allocation": 4, "OpenTelemetry": 3,
		"our code": 2, "net/http (server, client, headers)": 1, "Go runtime (scheduler, maps, memmove…)": 1, "other": 0.5}
	if len(got) != len(want) || got[0].Symbol != "kernel (network stack, scheduling)" {
		t.Fatalf("GroupSelf = %+v", got)
	}
	for _, g := range got {
		if want[g.Symbol] != g.Percent {
			t.Errorf("%s = %v, want %v", g.Symbol, g.Percent, want[g.Symbol])
		}
	}
	if s := FormatGroups(got[:2]); s != "10% kernel (network stack, scheduling), 5% Go GC" {
		t.Fatalf("FormatGroups = %q", s)
	}
}
