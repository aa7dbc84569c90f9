package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/characteristic/internal/domain"
)

var now = time.Date(2026, 1, 18, 10, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var verr *domain.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want *ValidationError", err)
	}
	var out []string
	for _, f := range verr.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         domain.Input
		wantFields []string
	}{
		{"a numeric value in Mbps is accepted", domain.Input{Name: "Speed", Value: "100", Unit: "Mbps"}, nil},
		{"a decimal percentage is accepted", domain.Input{Name: "Reliability", Value: "99.9", Unit: "%"}, nil},
		{"free text is accepted with unit None", domain.Input{Name: "Technology", Value: "Fiber", Unit: "None"}, nil},
		{"an empty name is rejected", domain.Input{Name: "  ", Value: "1", Unit: "GB"}, []string{"name"}},
		{"a name over 200 characters is rejected", domain.Input{Name: strings.Repeat("n", 201), Value: "1", Unit: "GB"}, []string{"name"}},
		{"a name of exactly 200 characters is accepted", domain.Input{Name: strings.Repeat("n", 200), Value: "1", Unit: "GB"}, nil},
		{"a name with a control character is rejected", domain.Input{Name: "a\x00b", Value: "1", Unit: "GB"}, []string{"name"}},
		{"an empty value is rejected", domain.Input{Name: "Speed", Value: "", Unit: "Mbps"}, []string{"value"}},
		{"a value over 100 characters is rejected", domain.Input{Name: "Note", Value: strings.Repeat("v", 101), Unit: "None"}, []string{"value"}},
		{"an unknown unit is rejected", domain.Input{Name: "Speed", Value: "100", Unit: "MBPS"}, []string{"unit_of_measure"}},
		{"an empty unit is rejected", domain.Input{Name: "Speed", Value: "100", Unit: ""}, []string{"unit_of_measure"}},
		{"a non-numeric value in a measurable unit is rejected", domain.Input{Name: "Speed", Value: "fast", Unit: "Gbps"}, []string{"value"}},
		{"a hexadecimal value in a measurable unit is rejected", domain.Input{Name: "Speed", Value: "0x10", Unit: "Gbps"}, []string{"value"}},
		{"every invalid field is named at once", domain.Input{Name: "", Value: "", Unit: "x"}, []string{"name", "value", "unit_of_measure"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := uuid.New()
			c, err := domain.New(id, tt.in, now)
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("New() error = %v", err)
				}
				if c.ID != id || c.Version != 1 || !c.CreatedAt.Equal(now) || !c.UpdatedAt.Equal(now) {
					t.Fatalf("New() = %+v, want id, version 1 and timestamps set", c)
				}
				if c.Name != strings.TrimSpace(tt.in.Name) || string(c.Unit) != tt.in.Unit {
					t.Fatalf("New() = %+v, want fields from %+v", c, tt.in)
				}
				return
			}
			if got := fieldsOf(t, err); strings.Join(got, ",") != strings.Join(tt.wantFields, ",") {
				t.Fatalf("invalid fields = %v, want %v", got, tt.wantFields)
			}
		})
	}
}

func TestNewTrimsNameAndValue(t *testing.T) {
	t.Parallel()
	c, err := domain.New(uuid.New(), domain.Input{Name: "  Speed ", Value: " 100 ", Unit: "Mbps"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Speed" || c.Value != "100" {
		t.Fatalf("got name %q value %q, want trimmed", c.Name, c.Value)
	}
}

func TestEveryUnitParses(t *testing.T) {
	t.Parallel()
	want := []string{"Mbps", "Gbps", "MB", "GB", "TB", "GHz", "Volt", "Watt", "Meter", "None", "%",
		"Seconds", "Minutes", "Hours", "Days", "Months", "Years", "Unit"}
	for _, s := range want {
		u, err := domain.ParseUnit(s)
		if err != nil || string(u) != s {
			t.Errorf("ParseUnit(%q) = %q, %v", s, u, err)
		}
	}
	if len(domain.Units) != len(want) {
		t.Fatalf("len(Units) = %d, want %d", len(domain.Units), len(want))
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	base := func() domain.Characteristic {
		c, err := domain.New(uuid.New(), domain.Input{Name: "Speed", Value: "100", Unit: "Mbps"}, now)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	later := now.Add(time.Hour)
	tests := []struct {
		name       string
		patch      domain.Patch
		want       func(c domain.Characteristic) bool
		wantFields []string
	}{
		{"an empty patch changes only the update time", domain.Patch{},
			func(c domain.Characteristic) bool {
				return c.Name == "Speed" && c.Value == "100" && c.UpdatedAt.Equal(later)
			}, nil},
		{"a new value is applied", domain.Patch{Value: ptr("200")},
			func(c domain.Characteristic) bool { return c.Value == "200" && c.Unit == domain.UnitMbps }, nil},
		{"unit and value change together", domain.Patch{Value: ptr("Fiber"), Unit: ptr("None")},
			func(c domain.Characteristic) bool { return c.Value == "Fiber" && c.Unit == domain.UnitNone }, nil},
		{"a unit change that leaves a text value in a measurable unit is rejected", domain.Patch{Unit: ptr("Volt"), Value: ptr("high")}, nil, []string{"value"}},
		{"an empty name is rejected", domain.Patch{Name: ptr("")}, nil, []string{"name"}},
		{"an unknown unit is rejected", domain.Patch{Unit: ptr("Parsec")}, nil, []string{"unit_of_measure"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := base()
			before := c
			err := c.Apply(tt.patch, later)
			if tt.wantFields != nil {
				if got := fieldsOf(t, err); strings.Join(got, ",") != strings.Join(tt.wantFields, ",") {
					t.Fatalf("invalid fields = %v, want %v", got, tt.wantFields)
				}
				if c != before {
					t.Fatalf("a rejected patch changed the characteristic: %+v", c)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply() error = %v", err)
			}
			if !tt.want(c) || c.Version != before.Version {
				t.Fatalf("Apply() gave %+v", c)
			}
		})
	}
}

func TestCheckVersion(t *testing.T) {
	t.Parallel()
	c := domain.Characteristic{Version: 3}
	if err := c.CheckVersion(nil); err != nil {
		t.Errorf("no expectation: %v", err)
	}
	if err := c.CheckVersion(ptr(int64(3))); err != nil {
		t.Errorf("matching version: %v", err)
	}
	var mismatch *domain.VersionMismatchError
	if err := c.CheckVersion(ptr(int64(2))); !errors.As(err, &mismatch) || mismatch.Actual != 3 || mismatch.Expected != 2 {
		t.Errorf("stale version: error = %v", err)
	}
}

func TestCanDelete(t *testing.T) {
	t.Parallel()
	c := domain.Characteristic{ID: uuid.New()}
	if err := c.CanDelete(nil); err != nil {
		t.Errorf("unreferenced characteristic: %v", err)
	}
	spec := uuid.New()
	var refErr *domain.ReferencedError
	err := c.CanDelete([]uuid.UUID{spec})
	if !errors.As(err, &refErr) || refErr.Specifications[0] != spec || !strings.Contains(err.Error(), spec.String()) {
		t.Errorf("referenced characteristic: error = %v", err)
	}
}
