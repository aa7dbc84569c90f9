package tracing

import (
	"net/http"
	"net/textproto"
)

// HeaderCarrier is propagation.HeaderCarrier without its per-call cost: the propagators name
// their headers in lower case ("traceparent", "x-b3-traceid"), which http.Header canonicalises
// into a new string on every Get and Set. The names this package's propagators use are mapped
// to their canonical form by a switch; any other name takes the standard path.
type HeaderCarrier http.Header

// Get returns the first value of key.
func (c HeaderCarrier) Get(key string) string {
	if v := c[canonicalKey(key)]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Set replaces the values of key with value.
func (c HeaderCarrier) Set(key, value string) { c[canonicalKey(key)] = []string{value} }

// Keys lists the header names present.
func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// canonicalKey is textproto.CanonicalMIMEHeaderKey(key), precomputed for the trace headers.
func canonicalKey(key string) string {
	switch key {
	case "traceparent":
		return "Traceparent"
	case "tracestate":
		return "Tracestate"
	case "baggage":
		return "Baggage"
	case "b3":
		return "B3"
	case "x-b3-traceid":
		return "X-B3-Traceid"
	case "x-b3-spanid":
		return "X-B3-Spanid"
	case "x-b3-parentspanid":
		return "X-B3-Parentspanid"
	case "x-b3-sampled":
		return "X-B3-Sampled"
	case "x-b3-flags":
		return "X-B3-Flags"
	}
	return textproto.CanonicalMIMEHeaderKey(key)
}
