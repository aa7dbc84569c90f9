// Package httpapi is the identity service's HTTP adapter: login, client-credentials tokens,
// the published keys, user administration, health and the API document.
package httpapi

import (
	_ "embed"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/apidocs"
	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/health"
	"github.com/tmfcatalog/platform/libs/chassis/httpserver"
	"github.com/tmfcatalog/platform/services/identity/internal/app"
	"github.com/tmfcatalog/platform/services/identity/internal/keys"
)

// openAPIDoc is the service's own API document, served at /openapi.json and rendered at /docs.
//
//go:embed openapi.json
var openAPIDoc []byte

// BodyLimit caps request bodies; logins and user records are small.
const BodyLimit = 64 << 10

// Deps are what the HTTP adapter drives.
type Deps struct {
	App *app.Service
	// Ring holds the published keys.
	Ring *keys.Ring
	// Verifier checks tokens on the protected routes (identity's own keys).
	Verifier *auth.Verifier
	// Health is mounted at /health and /health/ready.
	Health *health.Registry
	// TrustedProxies are peers whose X-Forwarded-For is believed (the gateway).
	TrustedProxies []netip.Prefix
	Log            *slog.Logger
}

type handlers struct {
	app        *app.Service
	mapper     *apierror.Mapper
	trusted    []netip.Prefix
	jwkSet     auth.JWKSet
	publicKeys publicKeyResponse
	allPEM     []byte
}

// NewRouter returns the service's HTTP handler with the chassis middleware chain.
func NewRouter(d Deps) (http.Handler, error) {
	h := &handlers{app: d.App, mapper: newMapper(d.Log), trusted: d.TrustedProxies, jwkSet: d.Ring.JWKS()}
	for _, k := range d.Ring.Keys() {
		p, err := auth.EncodePublicKeyPEM(&k.Private.PublicKey)
		if err != nil {
			return nil, fmt.Errorf("public key %s: %w", k.ID, err)
		}
		h.publicKeys.Keys = append(h.publicKeys.Keys, publishedKey{KeyID: k.ID, PublicKey: string(p)})
		h.allPEM = append(h.allPEM, p...)
	}
	signing := h.publicKeys.Keys[len(h.publicKeys.Keys)-1]
	h.publicKeys.PublicKey, h.publicKeys.KeyID, h.publicKeys.Algorithm = signing.PublicKey, signing.KeyID, "RS256"
	r := httpserver.NewRouter(httpserver.Options{Service: "identity", Log: d.Log, BodyLimit: BodyLimit})
	d.Health.Mount(r)
	if err := apidocs.Mount(r, "identity", openAPIDoc); err != nil {
		return nil, err
	}
	r.Get("/.well-known/jwks.json", h.jwks)
	authn := auth.Middleware(d.Verifier, nil)
	r.Route("/api/v1/auth", func(r chi.Router) {
		r.Post("/login", h.login)
		r.Post("/token", h.token)
		r.Get("/public-key", h.publicKey)
		r.With(authn).Get("/me", h.me)
	})
	r.Route("/api/v1/users", func(r chi.Router) {
		r.Use(authn, auth.RequireRole(auth.RoleAdmin))
		r.Get("/", h.listUsers)
		r.Post("/", h.createUser)
	})
	return r, nil
}
