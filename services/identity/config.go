package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

// devServiceClients are the client-credentials of every service in a dev stack. They are
// the default only when DEV_MODE or SEED_USERS (a demo deployment) is on; otherwise
// SERVICE_CLIENTS defaults to none and must carry real secrets.
var devServiceClients = []string{
	"gateway:dev-secret-gateway", "characteristic:dev-secret-characteristic",
	"specification:dev-secret-specification", "pricing:dev-secret-pricing",
	"offering:dev-secret-offering", "store-query:dev-secret-store-query",
}

// Production minimums.
const (
	minProdBcryptCost   = 10
	minProdSecretLength = 16
	devSecretPrefix     = "dev-secret-"
)

type config struct {
	HTTPAddr    string
	DatabaseURL string

	Issuer, Audience string
	TTL              time.Duration
	KeyFiles         []string
	KeysDir          string

	DevMode    bool
	SeedUsers  bool
	Clients    map[string]string
	BcryptCost int

	PerUsername, PerClientIP domain.ThrottlePolicy
	TrustedProxies           []netip.Prefix
}

func loadConfig(env *envconfig.Reader) (config, error) {
	c := config{
		HTTPAddr:    env.String("HTTP_ADDR", ":8001"),
		DatabaseURL: env.String("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/identity_db?sslmode=disable"),
		Issuer:      env.String("JWT_ISSUER", auth.DefaultIssuer),
		Audience:    env.String("JWT_AUDIENCE", auth.DefaultAudience),
		TTL:         env.Duration("JWT_TTL", time.Hour),
		KeyFiles:    env.List("JWT_PRIVATE_KEY_FILES", nil),
		KeysDir:     env.String("JWT_KEYS_DIR", ""),
		DevMode:     env.Bool("DEV_MODE", false),
		BcryptCost:  env.Int("BCRYPT_COST", 12),
		PerUsername: domain.ThrottlePolicy{
			MaxFailures: env.Int("LOGIN_MAX_FAILURES", 5),
			Window:      env.Duration("LOGIN_FAILURE_WINDOW", 15*time.Minute),
		},
		PerClientIP: domain.ThrottlePolicy{
			MaxFailures: env.Int("LOGIN_IP_MAX_FAILURES", 20),
			Window:      env.Duration("LOGIN_FAILURE_WINDOW", 15*time.Minute),
		},
	}
	c.SeedUsers = env.Bool("SEED_USERS", c.DevMode)
	var clientDefault []string
	if c.DevMode || c.SeedUsers {
		clientDefault = devServiceClients
	}
	clients, err := parseClients(env.List("SERVICE_CLIENTS", clientDefault))
	env.Check(err == nil, "SERVICE_CLIENTS", fmt.Sprint(err))
	c.Clients = clients
	proxies, err := parsePrefixes(env.List("TRUSTED_PROXIES", []string{"127.0.0.1/32", "::1/128"}))
	env.Check(err == nil, "TRUSTED_PROXIES", fmt.Sprint(err))
	c.TrustedProxies = proxies

	env.Check(c.TTL >= time.Minute && c.TTL <= 24*time.Hour, "JWT_TTL", "must be between 1m and 24h")
	env.Check(len(c.KeyFiles) == 0 || c.KeysDir == "", "JWT_KEYS_DIR", "set JWT_PRIVATE_KEY_FILES or JWT_KEYS_DIR, not both")
	env.Check(c.BcryptCost >= bcrypt.MinCost && c.BcryptCost <= bcrypt.MaxCost, "BCRYPT_COST", "must be between 4 and 31")
	env.Check(c.PerUsername.MaxFailures >= 0 && c.PerClientIP.MaxFailures >= 0, "LOGIN_MAX_FAILURES", "must not be negative")
	if !c.DevMode {
		env.Check(c.BcryptCost >= minProdBcryptCost, "BCRYPT_COST", fmt.Sprintf("must be at least %d outside DEV_MODE", minProdBcryptCost))
		env.Check(len(c.KeyFiles) > 0 || c.KeysDir != "", "JWT_PRIVATE_KEY_FILES",
			"a signing key is required outside DEV_MODE (make setup-keys, or JWT_KEYS_DIR)")
	}
	if !c.DevMode && !c.SeedUsers {
		// A seeded deployment is a demo with admin/admin anyway; anything else gets real secrets.
		for id, secret := range c.Clients {
			env.Check(!strings.HasPrefix(secret, devSecretPrefix) && len(secret) >= minProdSecretLength,
				"SERVICE_CLIENTS", fmt.Sprintf("client %q: dev or short secret (need %d+ characters) outside DEV_MODE", id, minProdSecretLength))
		}
	}
	if err := env.Err(); err != nil {
		return config{}, err
	}
	return c, nil
}

// parseClients reads "id:secret" pairs.
func parseClients(pairs []string) (map[string]string, error) {
	clients := make(map[string]string, len(pairs))
	var errs []error
	for _, p := range pairs {
		id, secret, ok := strings.Cut(p, ":")
		id, secret = strings.TrimSpace(id), strings.TrimSpace(secret)
		switch {
		case !ok || id == "" || secret == "":
			errs = append(errs, fmt.Errorf("entry %q is not id:secret", strings.SplitN(p, ":", 2)[0]))
		case clients[id] != "":
			errs = append(errs, fmt.Errorf("client %q listed twice", id))
		default:
			clients[id] = secret
		}
	}
	return clients, errors.Join(errs...)
}

func parsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", s, err)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", s, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// logValue lists the configuration with secrets left out.
func (c config) logAttrs() []any {
	ids := make([]string, 0, len(c.Clients))
	for id := range c.Clients {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return []any{
		slog.String("http_addr", c.HTTPAddr), slog.String("issuer", c.Issuer), slog.String("audience", c.Audience),
		slog.String("jwt_ttl", c.TTL.String()), slog.Any("key_files", c.KeyFiles), slog.String("keys_dir", c.KeysDir),
		slog.Bool("dev_mode", c.DevMode), slog.Bool("seed_users", c.SeedUsers), slog.Any("service_clients", ids),
		slog.Int("bcrypt_cost", c.BcryptCost),
		slog.Int("login_max_failures", c.PerUsername.MaxFailures), slog.Int("login_ip_max_failures", c.PerClientIP.MaxFailures),
		slog.String("login_failure_window", c.PerUsername.Window.String()),
	}
}
