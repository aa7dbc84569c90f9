package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/services/gateway/internal/routing"
)

func TestDefaultsPointAtTheDesignPorts(t *testing.T) {
	t.Parallel()
	env := envconfig.FromMap(nil)
	c := readConfig(env)
	if err := env.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		routing.Identity: "http://127.0.0.1:8001", routing.Characteristic: "http://127.0.0.1:8002",
		routing.Specification: "http://127.0.0.1:8003", routing.Pricing: "http://127.0.0.1:8004",
		routing.Offering: "http://127.0.0.1:8005", routing.Store: "http://127.0.0.1:8006",
		routing.EngineOps: "http://127.0.0.1:8085",
	}
	for name, u := range want {
		if got := c.Gateway.Upstreams[name].String(); got != u {
			t.Errorf("%s = %s, want %s", name, got, u)
		}
	}
	u := c.Gateway.Upstream
	if c.Addr != ":8000" || u.ConnectTimeout != 2*time.Second || u.ResponseTimeout != 4*time.Second ||
		u.BreakerFailures != 3 || u.BreakerOpen != 20*time.Second || len(c.Gateway.CORSOrigins) != 2 {
		t.Fatalf("defaults %+v", c)
	}
}

func TestOverridesAndBadValues(t *testing.T) {
	t.Parallel()
	env := envconfig.FromMap(map[string]string{
		"STORE_URL": "http://store:9000/", "BREAKER_OPEN_TIMEOUT": "5s", "RATE_LIMIT_PER_IP": "0",
		"CORS_ORIGINS": "https://shop.example", "TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1",
	})
	c := readConfig(env)
	if err := env.Err(); err != nil {
		t.Fatal(err)
	}
	if c.Gateway.Upstreams[routing.Store].String() != "http://store:9000" || c.Gateway.Upstream.BreakerOpen != 5*time.Second ||
		c.Gateway.RatePerIP != 0 || c.Gateway.CORSOrigins[0] != "https://shop.example" || len(c.Gateway.TrustedProxies) != 2 {
		t.Fatalf("overrides not applied: %+v", c.Gateway)
	}

	bad := envconfig.FromMap(map[string]string{"PRICING_URL": "not a url", "RATE_LIMIT_PER_USER": "-1",
		"UPSTREAM_RESPONSE_TIMEOUT": "soon"})
	readConfig(bad)
	err := bad.Err()
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, name := range []string{"PRICING_URL", "RATE_LIMIT_PER_USER", "UPSTREAM_RESPONSE_TIMEOUT"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestGCTarget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want int
		bad  bool
	}{
		{"the gateway collects lazier than the runtime by default", nil, defaultGCPercent, false},
		{"GC_PERCENT sets the target", map[string]string{"GC_PERCENT": "200"}, 200, false},
		{"GOGC wins over GC_PERCENT and is left to the runtime", map[string]string{"GOGC": "off", "GC_PERCENT": "200"}, 0, false},
		{"a target below 50 is refused", map[string]string{"GC_PERCENT": "10"}, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := envconfig.FromMap(tt.env)
			c := readConfig(env)
			if err := env.Err(); (err != nil) != tt.bad {
				t.Fatalf("error = %v, want error: %v", err, tt.bad)
			}
			if c.GCPercent != tt.want {
				t.Errorf("GCPercent = %d, want %d", c.GCPercent, tt.want)
			}
		})
	}
}
