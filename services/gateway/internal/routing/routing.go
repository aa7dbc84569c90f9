// Package routing holds the gateway's routing table: which path prefix goes to which upstream
// service, which routes are public (no token needed at the edge) and which need a role.
//
// Everything here is pure: no I/O, no HTTP server types, so the table can be tested and fuzzed
// on its own.
package routing

import (
	"net/http"
	"strings"
)

// Upstream names, used as breaker names, health keys and config keys.
const (
	Identity       = "identity"
	Characteristic = "characteristic"
	Specification  = "specification"
	Pricing        = "pricing"
	Offering       = "offering"
	Store          = "store"
	EngineOps      = "engine-ops"
)

// StripPrefix returns the prefix removed before forwarding to upstream ("" for none).
func StripPrefix(upstream string) string {
	for _, rt := range Table {
		if rt.Upstream == upstream && rt.Strip {
			return rt.Prefix
		}
	}
	return ""
}

// Upstreams lists every upstream in a stable order (health reports and the OpenAPI merge use it).
var Upstreams = []string{Identity, Characteristic, Specification, Pricing, Offering, Store, EngineOps}

// Access says what the edge demands before forwarding a request.
type Access int

const (
	// Protected routes need a valid bearer token.
	Protected Access = iota
	// Public routes are forwarded without looking at the token.
	Public
	// AdminOnly routes need a valid token with the ADMIN role.
	AdminOnly
)

// String names the access level for logs and docs.
func (a Access) String() string {
	switch a {
	case Public:
		return "public"
	case AdminOnly:
		return "admin"
	default:
		return "protected"
	}
}

// Route is one entry of the table: requests whose path is Prefix or starts with Prefix+"/"
// go to Upstream, path unchanged unless Strip is set.
type Route struct {
	Prefix   string
	Upstream string
	// Exact routes match only the prefix itself (e.g. the JWKS document).
	Exact bool
	// Strip removes the prefix before forwarding: the upstream serves the rest of the path.
	Strip bool
}

// Table is the gateway's routing table, in the order the original gateway declared it.
var Table = []Route{
	{Prefix: "/api/v1/auth", Upstream: Identity},
	{Prefix: "/.well-known/jwks.json", Upstream: Identity, Exact: true},
	{Prefix: "/api/v1/users", Upstream: Identity},
	{Prefix: "/api/v1/characteristics", Upstream: Characteristic},
	{Prefix: "/api/v1/specifications", Upstream: Specification},
	{Prefix: "/api/v1/prices", Upstream: Pricing},
	{Prefix: "/api/v1/offerings", Upstream: Offering},
	{Prefix: "/api/v1/store", Upstream: Store},
	{Prefix: "/ops", Upstream: EngineOps, Strip: true},
}

// publicAuthPaths are the identity routes anyone may call: logging in, the client-credentials
// token endpoint and the public key.
var publicAuthPaths = map[string]bool{
	"/api/v1/auth/login":      true,
	"/api/v1/auth/token":      true,
	"/api/v1/auth/public-key": true,
	"/.well-known/jwks.json":  true,
}

// Match returns the route serving path, or false when no upstream owns it.
func Match(path string) (Route, bool) {
	for _, rt := range Table {
		if path == rt.Prefix {
			return rt, true
		}
		if !rt.Exact && len(path) > len(rt.Prefix) && path[len(rt.Prefix)] == '/' && strings.HasPrefix(path, rt.Prefix) {
			return rt, true
		}
	}
	return Route{}, false
}

// AccessFor returns what the edge demands for method on path (a path Match accepted).
//
// Public: the identity login, token and public-key routes, the JWKS document, and reads of the
// store (GET/HEAD/OPTIONS). The store's write routes (entry deletion, resync) and every other
// route need a token; /ops/* needs the ADMIN role. A trailing slash does not change the answer.
func AccessFor(method, path string) Access {
	trimmed := path
	if len(trimmed) > 1 {
		trimmed = strings.TrimSuffix(trimmed, "/")
	}
	if publicAuthPaths[trimmed] {
		return Public
	}
	rt, ok := Match(path)
	if !ok {
		return Protected
	}
	switch rt.Upstream {
	case Store:
		if isRead(method) {
			return Public
		}
	case EngineOps:
		return AdminOnly
	}
	return Protected
}

func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// CleanPath reports whether path is safe to route as is: absolute, without dot segments
// ("/./", "/../"), empty segments ("//"), backslashes or control characters. The gateway refuses
// other paths instead of normalising them, so the edge and the upstream never disagree about
// which route a request is for.
func CleanPath(path string) bool {
	if path == "" || path[0] != '/' {
		return false
	}
	segStart := 1
	for i := 1; i <= len(path); i++ {
		if i < len(path) {
			c := path[i]
			if c < 0x20 || c == 0x7f || c == '\\' {
				return false
			}
			if c != '/' {
				continue
			}
		}
		seg := path[segStart:i]
		last := i == len(path)
		switch {
		case seg == "." || seg == "..":
			return false
		case seg == "" && !last:
			return false
		}
		segStart = i + 1
	}
	return true
}
