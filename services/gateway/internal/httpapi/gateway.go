// Package httpapi assembles the gateway's HTTP surface: the chassis router, CORS, rate limits,
// JWT checks at the edge, the proxied routes, health of the upstreams, the merged OpenAPI
// document and the docs page.
package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/otel/propagation"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/libs/chassis/tracing"
	"github.com/tmfcatalog/platform/services/gateway/internal/clientip"
	"github.com/tmfcatalog/platform/services/gateway/internal/cors"
	"github.com/tmfcatalog/platform/services/gateway/internal/edgeauth"
	"github.com/tmfcatalog/platform/services/gateway/internal/ratelimit"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
	"github.com/tmfcatalog/platform/services/gateway/internal/upstream"
)

// Service is the gateway's service name (logs, metrics, traces).
const Service = "gateway"

// Config is everything the gateway's HTTP surface needs.
type Config struct {
	// Upstreams maps each routing upstream name to its base URL; every name in
	// routing.Upstreams must be present.
	Upstreams map[string]*url.URL
	Upstream  upstream.Config
	// Verifier checks bearer tokens (an *auth.Verifier in production).
	Verifier  edgeauth.Verifier
	TokenTTL  time.Duration // how long a verified token is cached (0: no cache)
	TokenMax  int           // cache size bound
	RatePerIP int           // requests per minute per client IP (0: unlimited)
	// RatePerUser is requests per minute per authenticated subject (0: unlimited).
	RatePerUser    int
	TrustedProxies []string // addresses or CIDRs whose X-Forwarded-For is believed
	CORSOrigins    []string
	BodyLimit      int64
	// HealthTimeout bounds each upstream /health probe and /openapi.json fetch (default 1 s).
	HealthTimeout time.Duration
	// Propagator injects trace context into outbound requests (default W3C + B3).
	Propagator propagation.TextMapPropagator
	// Now is the clock for rate limits and the token cache (default time.Now).
	Now func() time.Time
	// AccessLog receives the access line of every request (default: the gateway's logger).
	AccessLog *slog.Logger
}

// Gateway is the assembled HTTP handler.
type Gateway struct {
	cfg       Config
	log       *slog.Logger
	router    chi.Router
	upstreams map[string]*upstream.Upstream
	auth      *edgeauth.Authenticator
	ips       *clientip.Resolver
	perIP     *ratelimit.Limiter
	perUser   *ratelimit.Limiter
	cors      *cors.Policy
	errs      *apierror.Mapper
	prop      propagation.TextMapPropagator
	probe     *http.Client
	docs      *openAPICache
	now       func() time.Time
	transport *upstream.Transport
}

// New builds the gateway.
func New(cfg Config, log *slog.Logger) (*Gateway, error) {
	if cfg.Verifier == nil {
		return nil, fmt.Errorf("gateway: no token verifier")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Propagator == nil {
		cfg.Propagator = tracing.Propagator()
	}
	if cfg.HealthTimeout <= 0 {
		cfg.HealthTimeout = time.Second
	}
	ips, err := clientip.NewResolver(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	g := &Gateway{
		cfg:       cfg,
		log:       log,
		upstreams: make(map[string]*upstream.Upstream, len(routing.Upstreams)),
		auth:      edgeauth.New(cfg.Verifier, edgeauth.Options{CacheTTL: cfg.TokenTTL, CacheSize: cfg.TokenMax, Now: cfg.Now}),
		ips:       ips,
		perIP:     ratelimit.New(cfg.RatePerIP),
		perUser:   ratelimit.New(cfg.RatePerUser),
		cors:      cors.New(cfg.CORSOrigins),
		errs:      apierror.NewMapper(log),
		prop:      cfg.Propagator,
		now:       cfg.Now,
		transport: upstream.NewTransport(cfg.Upstream),
	}
	// Upstream calls get a client span inside recorded traces (tracing.Transport costs nothing
	// per request when traces are not recorded).
	traced := tracing.Transport(g.transport)
	g.probe = &http.Client{Transport: traced, Timeout: cfg.HealthTimeout}
	for _, name := range routing.Upstreams {
		target, ok := cfg.Upstreams[name]
		if !ok || target == nil {
			return nil, fmt.Errorf("gateway: no URL for upstream %s", name)
		}
		g.upstreams[name] = upstream.New(upstream.Options{Name: name, Target: target, Transport: traced,
			Config: cfg.Upstream, StripPrefix: routing.StripPrefix(name), Decorate: g.decorate, OnError: g.writeError, Log: log})
	}
	g.docs = newOpenAPICache(g)
	g.router = g.routes()
	return g, nil
}

// ServeHTTP serves every gateway route.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) { g.router.ServeHTTP(w, r) }

// Close releases idle upstream connections.
func (g *Gateway) Close() { g.transport.CloseIdleConnections() }

// Upstream returns the named upstream (tests and health).
func (g *Gateway) Upstream(name string) *upstream.Upstream { return g.upstreams[name] }

func (g *Gateway) routes() chi.Router {
	r := httpserver.NewRouter(httpserver.Options{Service: Service, Log: g.log, BodyLimit: g.cfg.BodyLimit, AccessLog: g.cfg.AccessLog})
	refuse := func(w http.ResponseWriter, r *http.Request) { g.writeError(w, r, errOriginRefused) }
	r.Group(func(r chi.Router) {
		r.Use(g.cors.Middleware(refuse))
		health.New(Service).Mount(r)
		r.Group(func(r chi.Router) {
			r.Use(g.limitPerIP)
			r.Get("/health/dependencies", g.dependencies)
			r.Get("/openapi.json", g.openAPI)
			r.Get("/docs", serveDocs)
			for _, rt := range routing.Table {
				h := g.forward(g.upstreams[rt.Upstream])
				r.Handle(rt.Prefix, h)
				if !rt.Exact {
					r.Handle(rt.Prefix+"/*", h)
				}
			}
		})
	})
	return r
}
