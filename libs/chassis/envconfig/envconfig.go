// Package envconfig reads service configuration from environment variables.
//
// A Reader collects every bad value instead of stopping at the first, so a misconfigured
// service reports all its problems at once, each naming the variable.
package envconfig

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Reader reads typed values with defaults and remembers what was wrong.
type Reader struct {
	lookup func(string) (string, bool)
	errs   []error
}

// New returns a Reader over lookup; nil means the process environment.
func New(lookup func(string) (string, bool)) *Reader {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	return &Reader{lookup: lookup}
}

// FromMap returns a Reader over a fixed set of variables (handy in tests).
func FromMap(vars map[string]string) *Reader {
	return New(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
}

func (r *Reader) raw(name string) (string, bool) {
	v, ok := r.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (r *Reader) fail(name, value, want string) {
	r.errs = append(r.errs, fmt.Errorf("%s=%q: %s", name, value, want))
}

// String returns the variable or def when unset.
func (r *Reader) String(name, def string) string {
	if v, ok := r.raw(name); ok {
		return v
	}
	return def
}

// Required returns the variable and records an error when it is unset.
func (r *Reader) Required(name string) string {
	v, ok := r.raw(name)
	if !ok {
		r.errs = append(r.errs, fmt.Errorf("%s: required but not set", name))
	}
	return v
}

// Int returns the variable as an int, or def when unset.
func (r *Reader) Int(name string, def int) int {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.fail(name, v, "want an integer")
		return def
	}
	return n
}

// Int64 returns the variable as an int64, or def when unset.
func (r *Reader) Int64(name string, def int64) int64 {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.fail(name, v, "want an integer")
		return def
	}
	return n
}

// Duration returns the variable parsed by time.ParseDuration ("2s", "5m"), or def when unset.
func (r *Reader) Duration(name string, def time.Duration) time.Duration {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		r.fail(name, v, `want a non-negative duration such as "500ms" or "2m"`)
		return def
	}
	return d
}

// Bool returns the variable as a bool (true/false/1/0/yes/no), or def when unset.
func (r *Reader) Bool(name string, def bool) bool {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	r.fail(name, v, "want true or false")
	return def
}

// List returns the comma-separated variable with blanks dropped, or def when unset.
func (r *Reader) List(name string, def []string) []string {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// OneOf returns the variable when it is one of allowed, or def when unset.
func (r *Reader) OneOf(name, def string, allowed ...string) string {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	r.fail(name, v, "want one of "+strings.Join(allowed, ", "))
	return def
}

// Check records an error for name when ok is false; use it for rules across values.
func (r *Reader) Check(ok bool, name, problem string) {
	if !ok {
		r.errs = append(r.errs, fmt.Errorf("%s: %s", name, problem))
	}
}

// Err returns every problem found so far, joined, or nil.
func (r *Reader) Err() error {
	if len(r.errs) == 0 {
		return nil
	}
	return fmt.Errorf("invalid configuration: %w", errors.Join(r.errs...))
}
