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
	want := []Entry{{21.5, "crypto/internal/fips140/bigmod.addMulVVW2048"}, {7.25, "_raw_spin_unlock_irqrestore"}}
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
