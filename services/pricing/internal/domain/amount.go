// Package domain holds the pricing model and its rules; it does no I/O.
package domain

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"
)

// MaxAmount is the largest accepted price value (numeric(14,2) in the database).
var MaxAmount = decimal.RequireFromString("999999999999.99")

// maxAmountText bounds the input length so no parse can be made expensive.
const maxAmountText = 40

// ErrInvalidAmount is wrapped by every amount parse failure.
var ErrInvalidAmount = errors.New("invalid amount")

// plainDecimal is the string form the reference pattern allows, minus its oddities (at least one digit).
var plainDecimal = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)$`)

// jsonNumber is the JSON number grammar (RFC 8259) — the form a numeric JSON token has.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d{1,3})?$`)

// Amount is a positive money value with at most two decimal places. The zero Amount is invalid.
type Amount struct{ d decimal.Decimal }

// ParseAmount parses a decimal string ("12.50", "+7", ".5").
func ParseAmount(s string) (Amount, error) {
	if len(s) > maxAmountText {
		return Amount{}, fmt.Errorf("%w: longer than %d characters", ErrInvalidAmount, maxAmountText)
	}
	if !plainDecimal.MatchString(s) {
		return Amount{}, fmt.Errorf("%w: %q is not a decimal number", ErrInvalidAmount, s)
	}
	return fromText(strings.TrimPrefix(s, "+"))
}

// ParseAmountNumber parses the text of a JSON number token ("12.5", "1e2").
func ParseAmountNumber(s string) (Amount, error) {
	if len(s) > maxAmountText {
		return Amount{}, fmt.Errorf("%w: longer than %d characters", ErrInvalidAmount, maxAmountText)
	}
	if !jsonNumber.MatchString(s) {
		return Amount{}, fmt.Errorf("%w: %q is not a number", ErrInvalidAmount, s)
	}
	return fromText(s)
}

func fromText(s string) (Amount, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Amount{}, fmt.Errorf("%w: %q is not a decimal number", ErrInvalidAmount, s)
	}
	return NewAmount(d)
}

// NewAmount checks the value rules: positive, at most two decimals, not above MaxAmount.
func NewAmount(d decimal.Decimal) (Amount, error) {
	if !d.IsPositive() {
		return Amount{}, fmt.Errorf("%w: must be greater than zero", ErrInvalidAmount)
	}
	if d.GreaterThan(MaxAmount) {
		return Amount{}, fmt.Errorf("%w: must not exceed %s", ErrInvalidAmount, MaxAmount.StringFixed(2))
	}
	if !d.Equal(d.Truncate(2)) {
		return Amount{}, fmt.Errorf("%w: at most two decimal places", ErrInvalidAmount)
	}
	return Amount{d: d}, nil
}

// MustAmount parses s and panics on error; for tests and constants only.
func MustAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// String renders the amount with exactly two decimals ("50.00").
func (a Amount) String() string { return a.d.StringFixed(2) }

// Decimal returns the exact value.
func (a Amount) Decimal() decimal.Decimal { return a.d }

// IsZero reports whether the amount was never set.
func (a Amount) IsZero() bool { return a.d.IsZero() }

// Equal reports whether two amounts have the same value.
func (a Amount) Equal(b Amount) bool { return a.d.Equal(b.d) }
