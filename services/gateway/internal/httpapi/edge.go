package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/correlation"
	"github.com/tmfcatalog/platform/libs/chassis/tracing"
	"github.com/tmfcatalog/platform/services/gateway/internal/clientip"
	"github.com/tmfcatalog/platform/services/gateway/internal/ratelimit"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
	"github.com/tmfcatalog/platform/services/gateway/internal/upstream"
)

// UserIDHeader tells upstreams who the edge authenticated (informational: they verify the
// token themselves). A client-sent value is always removed.
const UserIDHeader = "X-User-ID"

// forward returns the handler of one proxied route: path check, authentication and role at the
// edge, per-user rate limit, then the reverse proxy.
func (g *Gateway) forward(up *upstream.Upstream) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !routing.CleanPath(r.URL.Path) {
			g.writeError(w, r, errBadPath)
			return
		}
		access := routing.AccessFor(r.Method, r.URL.Path)
		if access == routing.Public {
			up.ServeHTTP(w, r)
			return
		}
		p, err := g.auth.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if err != nil {
			g.writeError(w, r, err)
			return
		}
		if access == routing.AdminOnly && p.Role != auth.RoleAdmin {
			g.writeError(w, r, errAdminOnly)
			return
		}
		if ok, wait := g.perUser.Allow(p.Subject, g.now()); !ok {
			g.writeError(w, r, &rateLimitedError{scope: "user", wait: wait})
			return
		}
		up.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// limitPerIP applies the per-client-IP token bucket.
func (g *Gateway) limitPerIP(next http.Handler) http.Handler {
	if g.perIP == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := g.ips.ClientIP(r.RemoteAddr, r.Header.Values("X-Forwarded-For"))
		if ok, wait := g.perIP.Allow(ip, g.now()); !ok {
			g.writeError(w, r, &rateLimitedError{scope: "client address", wait: wait})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// traceHeaders are replaced on the way out by the gateway's own span context.
var traceHeaders = []string{"Traceparent", "Tracestate", "B3", "X-B3-Traceid", "X-B3-Spanid",
	"X-B3-Parentspanid", "X-B3-Sampled", "X-B3-Flags"}

// decorate sets the outbound headers: the forwarding chain, correlation id, the authenticated
// user, trace context.
func (g *Gateway) decorate(in, out *http.Request) {
	ctx := out.Context()
	h := out.Header
	if id := correlation.FromContext(ctx); id != "" {
		h.Set(correlation.Header, id)
	}
	peer := clientip.PeerIP(in.RemoteAddr)
	if prior := in.Header.Values("X-Forwarded-For"); len(prior) > 0 && g.ips.TrustedPeer(in.RemoteAddr) {
		h.Set("X-Forwarded-For", strings.Join(prior, ", ")+", "+peer)
	} else {
		// An untrusted client's own X-Forwarded-For is not passed on as if it were true.
		h.Set("X-Forwarded-For", peer)
	}
	h.Del(UserIDHeader)
	if p, ok := auth.PrincipalFrom(ctx); ok {
		h.Set(UserIDHeader, p.Subject)
	}
	for _, k := range traceHeaders {
		delete(h, k)
	}
	g.prop.Inject(ctx, tracing.HeaderCarrier(h))
}

// rateLimitedError is a request refused by a token bucket.
type rateLimitedError struct {
	scope string
	wait  time.Duration
}

func (e *rateLimitedError) Error() string { return "too many requests for this " + e.scope }

func (e *rateLimitedError) retryAfter() int { return ratelimit.RetryAfterSeconds(e.wait) }
