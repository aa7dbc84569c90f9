package feel

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestExpressionsEvaluateAgainstVariables(t *testing.T) {
	var vars map[string]any
	dec := json.NewDecoder(strings.NewReader(`{"n":5,"s":"PT2M","ok":true,"o":{"k":"v"}}`))
	dec.UseNumber()
	if err := dec.Decode(&vars); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		expr string
		want any
	}{
		{"a number comparison is true", "=n > 3", true},
		{"equality with a string literal", `= s = "PT2M"`, true},
		{"a missing variable is null", "=missing = null", true},
		{"if then else picks the default when null", `=if missing = null then "PT5M" else missing`, "PT5M"},
		{"if then else picks the variable when set", `=if s = null then "PT5M" else s`, "PT2M"},
		{"strings concatenate", `="after " + s`, "after PT2M"},
		{"nested paths resolve", `=o.k = "v" and ok`, true},
		{"or short circuits to true", `=false or n >= 5`, true},
		{"not negates", `=not(ok)`, false},
		{"arithmetic works", `=n - 2 + 1`, 4.0},
		{"mixed types compare to null", `=s > 3`, nil},
		{"parentheses group", `=(n + 1) = 6`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Eval(vars)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("%s = %#v, want %#v", tt.expr, got, tt.want)
			}
		})
	}
}

func TestBadExpressionsAreRefused(t *testing.T) {
	for _, src := range []string{`=a +`, `="open`, `=if a then b`, `=a ? b`, `=not a`, `=(a`, `=a.`} {
		if _, err := Parse(src); err == nil {
			t.Errorf("Parse(%q) accepted", src)
		}
	}
}

func TestISODurationsParse(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"PT1S", time.Second, true},
		{"PT2M", 2 * time.Minute, true},
		{"P1DT1H", 25 * time.Hour, true},
		{"PT0.5S", 500 * time.Millisecond, true},
		{"P1W", 7 * 24 * time.Hour, true},
		{"P1M", 0, false},
		{"PT", 0, false},
		{"5m", 0, false},
		{"PT5X", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`=a = 1`, `=if x = null then "PT5M" else x`, `="a" + b.c`, `=not(a or b) and c >= 2`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			return
		}
		_, _ = e.Eval(map[string]any{"a": 1.0, "b": map[string]any{"c": "x"}})
	})
}
