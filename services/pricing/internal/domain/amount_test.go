package domain

import (
	"errors"
	"testing"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"a whole number gets two decimals", "50", "50.00", true},
		{"two decimals are kept exactly", "19.99", "19.99", true},
		{"one decimal is padded", "0.5", "0.50", true},
		{"a leading plus sign is accepted", "+7.10", "7.10", true},
		{"a leading dot is accepted", ".25", "0.25", true},
		{"leading zeros are accepted", "007.5", "7.50", true},
		{"trailing zeros beyond two places keep the value", "1.500", "1.50", true},
		{"the maximum value is accepted", "999999999999.99", "999999999999.99", true},
		{"three significant decimals are refused", "1.234", "", false},
		{"a negative value is refused", "-5.00", "", false},
		{"zero is refused", "0", "", false},
		{"zero with decimals is refused", "0.00", "", false},
		{"non-numeric text is refused", "abc", "", false},
		{"an empty string is refused", "", "", false},
		{"a lone dot is refused", ".", "", false},
		{"exponent notation is refused in strings", "1e2", "", false},
		{"a value above the maximum is refused", "1000000000000", "", false},
		{"whitespace is refused", " 5", "", false},
		{"two dots are refused", "1.2.3", "", false},
		{"an overlong string is refused", "1111111111111111111111111111111111111111111", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseAmount(tt.in)
			if tt.ok {
				if err != nil {
					t.Fatalf("ParseAmount(%q) error: %v", tt.in, err)
				}
				if got.String() != tt.want {
					t.Fatalf("ParseAmount(%q) = %s, want %s", tt.in, got, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrInvalidAmount) {
				t.Fatalf("ParseAmount(%q) error = %v, want ErrInvalidAmount", tt.in, err)
			}
		})
	}
}

func TestParseAmountNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"an integer number is accepted", "50", "50.00", true},
		{"a fraction is exact, not a float", "0.1", "0.10", true},
		{"exponent notation is accepted in numbers", "1.5e2", "150.00", true},
		{"a negative exponent within two places is accepted", "25e-2", "0.25", true},
		{"a negative exponent beyond two places is refused", "1e-3", "", false},
		{"three decimals are refused", "10.005", "", false},
		{"a negative number is refused", "-1", "", false},
		{"zero is refused", "0", "", false},
		{"a plus sign is not JSON", "+1", "", false},
		{"a huge exponent is refused cheaply", "1e999", "", false},
		{"a four digit exponent is refused", "1e9999", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseAmountNumber(tt.in)
			if tt.ok {
				if err != nil {
					t.Fatalf("ParseAmountNumber(%q) error: %v", tt.in, err)
				}
				if got.String() != tt.want {
					t.Fatalf("ParseAmountNumber(%q) = %s, want %s", tt.in, got, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrInvalidAmount) {
				t.Fatalf("ParseAmountNumber(%q) error = %v, want ErrInvalidAmount", tt.in, err)
			}
		})
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"50", "19.99", "1.234", "-5", "0", "abc", ".5", "+1", "1e2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmount(s)
		if err != nil {
			return
		}
		// A valid amount round-trips through its own rendering and obeys every rule.
		back, err := ParseAmount(a.String())
		if err != nil || !back.Equal(a) {
			t.Fatalf("round trip of %q via %q failed: %v", s, a.String(), err)
		}
		if !a.Decimal().IsPositive() || a.Decimal().GreaterThan(MaxAmount) || !a.Decimal().Equal(a.Decimal().Truncate(2)) {
			t.Fatalf("accepted invalid amount %q", s)
		}
	})
}

func FuzzParseAmountNumber(f *testing.F) {
	for _, s := range []string{"50", "0.1", "1e2", "1e-3", "-1", "1e999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAmountNumber(s)
		if err != nil {
			return
		}
		if _, err := ParseAmount(a.String()); err != nil {
			t.Fatalf("accepted %q renders as %q which does not parse: %v", s, a.String(), err)
		}
	})
}
