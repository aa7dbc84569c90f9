package auth_test

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/envconfig"
)

// A service verifies every request and restricts writes to ADMIN.
func Example() {
	env := envconfig.New(nil) // JWKS_URL or JWT_PUBLIC_KEY_FILE, JWT_ISSUER, JWT_AUDIENCE
	cfg := auth.ConfigFromEnv(env)
	if err := env.Err(); err != nil {
		fmt.Println(err)
		return
	}
	verifier, err := auth.NewVerifier(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := chi.NewRouter()
	r.Group(func(r chi.Router) {
		r.Use(auth.Middleware(verifier, nil))
		r.Get("/api/v1/prices", func(w http.ResponseWriter, r *http.Request) {
			p, _ := auth.PrincipalFrom(r.Context())
			fmt.Fprintf(w, "hello %s (%s)", p.Username, p.Role)
		})
		r.With(auth.RequireRole(auth.RoleAdmin)).Post("/api/v1/prices", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusCreated)
		})
	})
	_ = r
}

// Outbound calls carry a cached SERVICE token.
func ExampleServiceTokenSource_Transport() {
	src := auth.NewServiceTokenSource("http://127.0.0.1:8001", "pricing", "dev-secret-pricing", nil)
	client := &http.Client{Transport: src.Transport(nil)}
	_ = client // client.Get("http://127.0.0.1:8005/api/v1/productOffering") sends "Authorization: Bearer …"
}
