// Package feel evaluates the small subset of FEEL (Friendly Enough Expression Language) the
// saga engine supports in gateway conditions, timer durations and output mappings:
// literals (numbers, strings, true, false, null), variable paths (a.b.c), comparisons
// (= != < <= > >=), and/or, not(x), + and - on numbers, + on strings, parentheses and
// if c then a else b. A missing variable evaluates to null, as in Zeebe 8.3.
package feel

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Expr is a parsed expression.
type Expr struct {
	src  string
	root node
}

// String returns the source of the expression.
func (e *Expr) String() string { return e.src }

// SyntaxError reports an expression the parser does not accept.
type SyntaxError struct {
	Expr string
	Pos  int
	Msg  string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("expression %q: %s at offset %d", e.Expr, e.Msg, e.Pos)
}

// IsExpression reports whether a Zeebe attribute value is an expression (starts with '=').
func IsExpression(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "=") }

// Parse parses src; a leading '=' is optional.
func Parse(src string) (*Expr, error) {
	body := strings.TrimPrefix(strings.TrimSpace(src), "=")
	toks, err := lex(body)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			se.Expr = src
		}
		return nil, err
	}
	p := &parser{src: src, toks: toks}
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, p.fail("unexpected " + p.peek().text)
	}
	return &Expr{src: src, root: n}, nil
}

// Eval evaluates e against vars (values as decoded from JSON). Comparing values of different
// types yields null, like FEEL.
func (e *Expr) Eval(vars map[string]any) (any, error) {
	return e.root.eval(vars)
}

// EvalBool evaluates a condition; anything but true counts as false.
func (e *Expr) EvalBool(vars map[string]any) (bool, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	return ok && b, nil
}

// EvalString evaluates e and requires a string result.
func (e *Expr) EvalString(vars map[string]any) (string, error) {
	v, err := e.Eval(vars)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("expression %q: expected a string but got %s", e.src, describe(v))
	}
	return s, nil
}

func describe(v any) string {
	if v == nil {
		return "null"
	}
	b, _ := json.Marshal(v)
	return fmt.Sprintf("%T %s", v, b)
}

// normalize turns JSON-decoded numbers into float64.
func normalize(v any) any {
	switch n := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return nil
		}
		return f
	case int:
		return float64(n)
	case int32:
		return float64(n)
	case int64:
		return float64(n)
	case float32:
		return float64(n)
	}
	return v
}
