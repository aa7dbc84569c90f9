package main

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/services/gateway/internal/httpapi"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
	"github.com/tmfcatalog/platform/services/gateway/internal/upstream"
)

// config is the gateway's whole configuration, read once at start.
type config struct {
	Addr    string
	Gateway httpapi.Config
	// LogLevel is LOG_LEVEL, which the chassis also reads for the service logger; the access
	// log, built here, follows it.
	LogLevel string
	// GCPercent is the garbage collector's target (runtime/debug.SetGCPercent) from GC_PERCENT,
	// default 400: the gateway's live heap is small and its garbage is all per-request, so a
	// lazier collector buys throughput for a few MiB. 0 when GOGC is set: the runtime already
	// took that, and it wins.
	GCPercent int
}

// defaultGCPercent is the gateway's GC target unless GC_PERCENT or GOGC says otherwise.
const defaultGCPercent = 400

// upstreamEnv names the variable and default URL of each upstream (ports from DESIGN §2).
var upstreamEnv = map[string][2]string{
	routing.Identity:       {"IDENTITY_URL", "http://127.0.0.1:8001"},
	routing.Characteristic: {"CHARACTERISTIC_URL", "http://127.0.0.1:8002"},
	routing.Specification:  {"SPECIFICATION_URL", "http://127.0.0.1:8003"},
	routing.Pricing:        {"PRICING_URL", "http://127.0.0.1:8004"},
	routing.Offering:       {"OFFERING_URL", "http://127.0.0.1:8005"},
	routing.Store:          {"STORE_URL", "http://127.0.0.1:8006"},
	routing.EngineOps:      {"ENGINE_OPS_URL", "http://127.0.0.1:8085"},
}

func readConfig(env *envconfig.Reader) config {
	c := config{Addr: env.String("HTTP_ADDR", ":8000"), LogLevel: env.String("LOG_LEVEL", "info")}
	if env.String("GOGC", "") == "" {
		c.GCPercent = env.Int("GC_PERCENT", defaultGCPercent)
		env.Check(c.GCPercent >= 50, "GC_PERCENT", "must be >= 50 (the runtime's default is 100)")
	}
	g := &c.Gateway
	g.Upstreams = make(map[string]*url.URL, len(upstreamEnv))
	for _, name := range routing.Upstreams {
		v := upstreamEnv[name]
		raw := env.String(v[0], v[1])
		u, err := url.Parse(strings.TrimRight(raw, "/"))
		env.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "", v[0],
			"want an absolute http(s) URL, got "+raw)
		g.Upstreams[name] = u
	}
	g.Upstream = upstream.Config{
		ConnectTimeout:      env.Duration("UPSTREAM_CONNECT_TIMEOUT", 2*time.Second),
		ResponseTimeout:     env.Duration("UPSTREAM_RESPONSE_TIMEOUT", 4*time.Second),
		BreakerFailures:     uint32(max(env.Int("BREAKER_FAILURES", 3), 1)),
		BreakerOpen:         env.Duration("BREAKER_OPEN_TIMEOUT", 20*time.Second),
		HalfOpenRequests:    uint32(max(env.Int("BREAKER_HALF_OPEN_REQUESTS", 3), 1)),
		Retries:             env.Int("UPSTREAM_RETRIES", 2),
		RetryBackoff:        env.Duration("UPSTREAM_RETRY_BACKOFF", 50*time.Millisecond),
		MaxIdleConnsPerHost: env.Int("UPSTREAM_MAX_IDLE_CONNS_PER_HOST", 512),
	}
	g.TokenTTL = env.Duration("TOKEN_CACHE_TTL", 30*time.Second)
	g.TokenMax = env.Int("TOKEN_CACHE_SIZE", 10000)
	g.RatePerIP = env.Int("RATE_LIMIT_PER_IP", 6000)
	g.RatePerUser = env.Int("RATE_LIMIT_PER_USER", 3000)
	g.TrustedProxies = env.List("TRUSTED_PROXIES", nil)
	g.CORSOrigins = env.List("CORS_ORIGINS", []string{"http://localhost:3000", "http://127.0.0.1:3000"})
	g.BodyLimit = env.Int64("BODY_LIMIT_BYTES", 1<<20)
	g.HealthTimeout = env.Duration("HEALTH_TIMEOUT", time.Second)
	env.Check(g.RatePerIP >= 0, "RATE_LIMIT_PER_IP", "must be >= 0 (0 disables)")
	env.Check(g.RatePerUser >= 0, "RATE_LIMIT_PER_USER", "must be >= 0 (0 disables)")
	env.Check(g.BodyLimit > 0, "BODY_LIMIT_BYTES", "must be > 0")
	env.Check(g.Upstream.Retries >= 0 && g.Upstream.Retries <= 5, "UPSTREAM_RETRIES", "must be 0..5")
	return c
}

// log records the effective configuration at start (it holds no secrets).
func (c config) log(ctx context.Context, log *slog.Logger) {
	urls := make([]any, 0, 2*len(c.Gateway.Upstreams))
	for _, name := range routing.Upstreams {
		urls = append(urls, name, c.Gateway.Upstreams[name].String())
	}
	u := c.Gateway.Upstream
	log.InfoContext(ctx, "gateway configuration", "addr", c.Addr, slog.Group("upstreams", urls...),
		"connect_timeout", u.ConnectTimeout.String(), "response_timeout", u.ResponseTimeout.String(),
		"breaker_failures", u.BreakerFailures, "breaker_open", u.BreakerOpen.String(),
		"half_open_requests", u.HalfOpenRequests, "retries", u.Retries,
		"rate_limit_per_ip", c.Gateway.RatePerIP, "rate_limit_per_user", c.Gateway.RatePerUser,
		"trusted_proxies", c.Gateway.TrustedProxies, "cors_origins", c.Gateway.CORSOrigins,
		"body_limit", c.Gateway.BodyLimit, "token_cache_ttl", c.Gateway.TokenTTL.String(),
		"gc_percent", c.GCPercent)
}
