// Package cors answers cross-origin requests for the web origins the gateway serves.
//
// Allowed origins get the CORS headers (with credentials); a preflight from any other origin
// is refused with 403, and its actual requests get no CORS headers, so browsers block them.
package cors

import (
	"net/http"
	"strings"
)

const (
	allowMethods  = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	defaultAllow  = "Authorization, Content-Type, If-Match, If-None-Match, X-Correlation-ID, traceparent, tracestate, b3"
	exposeHeaders = "X-Correlation-ID, Retry-After, ETag, Location"
	maxAge        = "600"
)

// Policy is the set of allowed origins.
type Policy struct {
	origins map[string]bool
	any     bool
}

// New returns a policy for origins such as "http://localhost:3000"; "*" allows every origin
// (credentials are then still only echoed per origin, never with a literal "*").
func New(origins []string) *Policy {
	p := &Policy{origins: make(map[string]bool, len(origins))}
	for _, o := range origins {
		o = strings.TrimRight(strings.TrimSpace(o), "/")
		switch o {
		case "":
		case "*":
			p.any = true
		default:
			p.origins[strings.ToLower(o)] = true
		}
	}
	return p
}

// Allowed reports whether origin may call the API from a browser.
func (p *Policy) Allowed(origin string) bool {
	if origin == "" || origin == "null" {
		return false
	}
	return p.any || p.origins[strings.ToLower(origin)]
}

// Middleware applies the policy; refuse writes the 403 answer to a disallowed preflight.
func (p *Policy) Middleware(refuse http.HandlerFunc) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			if origin == "" {
				next.ServeHTTP(w, r)
				return
			}
			h := w.Header()
			h.Add("Vary", "Origin")
			preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
			if !p.Allowed(origin) {
				if preflight {
					refuse(w, r)
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			if !preflight {
				h.Set("Access-Control-Expose-Headers", exposeHeaders)
				next.ServeHTTP(w, r)
				return
			}
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", allowMethods)
			h.Set("Access-Control-Allow-Headers", RequestedHeaders(r.Header.Get("Access-Control-Request-Headers")))
			h.Set("Access-Control-Max-Age", maxAge)
			w.WriteHeader(http.StatusNoContent)
		})
	}
}

// RequestedHeaders returns the header list to allow for a preflight that asked for requested:
// the request's own names, re-joined, when it is a well-formed comma-separated list of header
// names (at most 1 KiB), else the default list.
func RequestedHeaders(requested string) string {
	if strings.Trim(requested, " \t") == "" || len(requested) > 1024 {
		return defaultAllow
	}
	names := strings.Split(requested, ",")
	for i, name := range names {
		name = strings.Trim(name, " \t")
		if name == "" || !isToken(name) {
			return defaultAllow
		}
		names[i] = name
	}
	return strings.Join(names, ", ")
}

// isToken reports whether s is an RFC 9110 token (a valid header field name).
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
