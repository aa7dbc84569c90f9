package reliability

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/tmfcatalog/platform/tests/reliability/internal/api"
)

// access says who may call a route.
type access struct {
	public               bool // anyone, without a token
	admin, user, service bool
}

var (
	public    = access{public: true}
	readers   = access{admin: true, user: true, service: true}
	adminOnly = access{admin: true}
	editors   = access{admin: true, user: true}
	sagaRoles = access{admin: true, service: true}
)

// rbacRoute is one route of one service with a harmless request: writes send an empty object
// (an allowed caller gets 422) and ids are random (an allowed caller gets 404).
type rbacRoute struct {
	component, method, path string
	body                    any
	who                     access
}

const randomID = "6f1c0e52-5b7a-4c8e-9a57-0d9a3c1e2b44"

func rbacRoutes() []rbacRoute {
	var out []rbacRoute
	for _, c := range []string{"identity", "characteristic", "specification", "pricing", "offering", "store-query", "gateway", "engine"} {
		for _, p := range []string{"/health", "/health/ready", "/metrics"} {
			if c == "gateway" && p != "/health" {
				continue
			}
			out = append(out, rbacRoute{c, http.MethodGet, p, nil, public})
		}
		if c != "gateway" && c != "engine" {
			out = append(out, rbacRoute{c, http.MethodGet, "/openapi.json", nil, public}, rbacRoute{c, http.MethodGet, "/docs", nil, public})
		}
	}
	empty := map[string]any{}
	out = append(out,
		rbacRoute{"identity", http.MethodPost, "/api/v1/auth/login", empty, public},
		rbacRoute{"identity", http.MethodPost, "/api/v1/auth/token", empty, public},
		rbacRoute{"identity", http.MethodGet, "/api/v1/auth/public-key", nil, public},
		rbacRoute{"identity", http.MethodGet, "/.well-known/jwks.json", nil, public},
		rbacRoute{"identity", http.MethodGet, "/api/v1/auth/me", nil, readers},
		rbacRoute{"identity", http.MethodGet, "/api/v1/users", nil, adminOnly},
		rbacRoute{"identity", http.MethodPost, "/api/v1/users", empty, adminOnly},
	)
	for _, r := range []struct{ comp, base string }{
		{"characteristic", "/api/v1/characteristics"}, {"specification", "/api/v1/specifications"}, {"pricing", "/api/v1/prices"},
	} {
		out = append(out,
			rbacRoute{r.comp, http.MethodGet, r.base, nil, readers},
			rbacRoute{r.comp, http.MethodGet, r.base + "/" + randomID, nil, readers},
			rbacRoute{r.comp, http.MethodPost, r.base, empty, adminOnly},
			rbacRoute{r.comp, http.MethodPut, r.base + "/" + randomID, empty, adminOnly},
			rbacRoute{r.comp, http.MethodDelete, r.base + "/" + randomID, nil, adminOnly},
		)
	}
	out = append(out,
		rbacRoute{"specification", http.MethodPost, "/api/v1/specifications/validate", empty, sagaRoles},
		rbacRoute{"pricing", http.MethodPost, "/api/v1/prices/" + randomID + "/lock", empty, sagaRoles},
		rbacRoute{"pricing", http.MethodPost, "/api/v1/prices/" + randomID + "/unlock", empty, sagaRoles},
		rbacRoute{"store-query", http.MethodGet, "/api/v1/store/search?q=fibre", nil, public},
		rbacRoute{"store-query", http.MethodGet, "/api/v1/store/offerings", nil, public},
		rbacRoute{"store-query", http.MethodGet, "/api/v1/store/offerings/" + randomID, nil, public},
		rbacRoute{"offering", http.MethodGet, "/api/v1/offerings", nil, readers},
		rbacRoute{"offering", http.MethodGet, "/api/v1/offerings/" + randomID, nil, readers},
		rbacRoute{"offering", http.MethodPost, "/api/v1/offerings", empty, editors},
		rbacRoute{"offering", http.MethodPut, "/api/v1/offerings/" + randomID, empty, editors},
		rbacRoute{"offering", http.MethodDelete, "/api/v1/offerings/" + randomID, nil, editors},
		rbacRoute{"offering", http.MethodPost, "/api/v1/offerings/" + randomID + "/publish", nil, adminOnly},
		rbacRoute{"offering", http.MethodPost, "/api/v1/offerings/" + randomID + "/retire", nil, adminOnly},
		rbacRoute{"offering", http.MethodPost, "/api/v1/offerings/" + randomID + "/confirm", empty, sagaRoles},
		rbacRoute{"offering", http.MethodPost, "/api/v1/offerings/" + randomID + "/fail", empty, sagaRoles},
	)
	return out
}

// caller is one column of the matrix.
type caller struct {
	name  string
	token func() string
	// allowed reports whether the caller passes a route's access rule.
	allowed func(access) bool
	// denied is the status a refused caller gets.
	denied int
}

func callers() []caller {
	return []caller{
		{"anonymous", func() string { return "" }, func(a access) bool { return a.public }, http.StatusUnauthorized},
		{"USER", func() string { return userToken }, func(a access) bool { return a.public || a.user }, http.StatusForbidden},
		{"ADMIN", func() string { return adminToken }, func(a access) bool { return a.public || a.admin }, http.StatusForbidden},
		{"SERVICE", func() string { return serviceToken }, func(a access) bool { return a.public || a.service }, http.StatusForbidden},
		{"forged ADMIN token", forgedToken, func(a access) bool { return a.public }, http.StatusUnauthorized},
	}
}

// forgedToken is the ADMIN token with its signature's first characters altered.
func forgedToken() string {
	parts := strings.Split(adminToken, ".")
	sig := []byte(parts[2])
	for i := 0; i < 4 && i < len(sig); i++ {
		if sig[i] == 'A' {
			sig[i] = 'B'
		} else {
			sig[i] = 'A'
		}
	}
	return parts[0] + "." + parts[1] + "." + string(sig)
}

var versionInServer = regexp.MustCompile(`[0-9]`)

// checkAnswer compares one answer with the matrix; "" means it matches.
func checkAnswer(rt rbacRoute, c caller, r api.Response) string {
	if r.Status >= 500 {
		return fmt.Sprintf("server error %s", r)
	}
	allowed := c.allowed(rt.who)
	switch {
	case allowed && (r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden):
		return fmt.Sprintf("refused an allowed caller: %s", r)
	case !allowed && r.Status != c.denied:
		return fmt.Sprintf("= %s, want %d", r, c.denied)
	case !allowed:
		if msg := api.CheckEnvelope(r); msg != "" {
			return "refusal without the error envelope: " + msg
		}
		if r.Status == http.StatusUnauthorized && r.Header.Get("WWW-Authenticate") == "" {
			return "401 without WWW-Authenticate"
		}
	}
	return ""
}

// checkHeaders returns what is wrong with an answer's security headers.
func checkHeaders(r api.Response) string {
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		return fmt.Sprintf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if s := r.Header.Get("Server"); s != "" && versionInServer.MatchString(s) {
		return fmt.Sprintf("Server header reveals a version: %q", s)
	}
	return ""
}

// TestRBACMatrixDirect calls every route of every service on the service's own port, as each
// caller, and checks the answer against the role matrix: services verify tokens and roles
// themselves, whatever the gateway does.
func TestRBACMatrixDirect(t *testing.T) {
	ctx := context.Background()
	for _, rt := range rbacRoutes() {
		if rt.component == "engine" && strings.HasPrefix(rt.path, "/api") {
			continue
		}
		for _, c := range callers() {
			t.Run(fmt.Sprintf("%s %s %s as %s", rt.component, rt.method, rt.path, c.name), func(t *testing.T) {
				r, err := direct(rt.component, c.token()).JSON(ctx, rt.method, rt.path, rt.body)
				if err != nil {
					t.Fatal(err)
				}
				if msg := checkAnswer(rt, c, r); msg != "" {
					t.Error(msg)
				}
				if msg := checkHeaders(r); msg != "" {
					t.Error(msg)
				}
			})
		}
	}
}

// TestRBACMatrixThroughGateway sends the same API requests through the gateway, which checks
// tokens at the edge and must not widen any service's rules.
func TestRBACMatrixThroughGateway(t *testing.T) {
	ctx := context.Background()
	for _, rt := range rbacRoutes() {
		if !strings.HasPrefix(rt.path, "/api/") && rt.path != "/.well-known/jwks.json" {
			continue
		}
		for _, c := range callers() {
			t.Run(fmt.Sprintf("gateway %s %s as %s", rt.method, rt.path, c.name), func(t *testing.T) {
				r, err := gateway(c.token()).JSON(ctx, rt.method, rt.path, rt.body)
				if err != nil {
					t.Fatal(err)
				}
				if msg := checkAnswer(rt, c, r); msg != "" {
					t.Error(msg)
				}
				if msg := checkHeaders(r); msg != "" {
					t.Error(msg)
				}
			})
		}
	}
	opsRoute := rbacRoute{"gateway", http.MethodGet, "/ops/api/instances", nil, adminOnly}
	for _, c := range callers() {
		t.Run("gateway GET /ops/api/instances as "+c.name, func(t *testing.T) {
			r, err := gateway(c.token()).JSON(ctx, opsRoute.method, opsRoute.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if msg := checkAnswer(opsRoute, c, r); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestEngineOpsAPIVerifiesCallersItself calls the saga engine's ops API on its own port. The
// gateway allows /ops to ADMIN only, but zero trust (DESIGN §7) wants every component to check
// every request itself: cancelling a saga instance must not be open to anyone on the network.
func TestEngineOpsAPIVerifiesCallersItself(t *testing.T) {
	ctx := context.Background()
	for _, rt := range []rbacRoute{
		{"engine", http.MethodGet, "/api/instances", nil, adminOnly},
		{"engine", http.MethodPost, "/api/instances/1/cancel", nil, adminOnly},
		{"engine", http.MethodGet, "/api/incidents", nil, adminOnly},
	} {
		for _, c := range callers()[:2] {
			t.Run(fmt.Sprintf("engine %s %s as %s", rt.method, rt.path, c.name), func(t *testing.T) {
				r, err := direct("engine", c.token()).JSON(ctx, rt.method, rt.path, rt.body)
				if err != nil {
					t.Fatal(err)
				}
				if msg := checkAnswer(rt, c, r); msg != "" {
					t.Error(msg)
				}
			})
		}
	}
}

// TestUserEditsDraftOfferings checks the positive side of USER's rights: a USER creates,
// updates and deletes a DRAFT offering on the offering service directly.
func TestUserEditsDraftOfferings(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "rbac")
	c := direct("offering", userToken)
	var off struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	body := map[string]any{"name": fmt.Sprintf("user draft %s", f.offeringID[:8]), "description": "by USER",
		"specification_ids": []string{f.specID}, "pricing_ids": []string{f.priceID}, "sales_channels": []string{"online"}}
	if _, err := c.Expect(ctx, http.StatusCreated, http.MethodPost, "/api/v1/offerings", body, &off); err != nil {
		t.Fatal(err)
	}
	body["description"] = "edited by USER"
	r, err := c.Expect(ctx, http.StatusOK, http.MethodPut, "/api/v1/offerings/"+off.ID, body, nil)
	if err != nil {
		t.Fatal(err)
	}
	etag := r.Header.Get("ETag")
	del, err := c.Raw(ctx, http.MethodDelete, "/api/v1/offerings/"+off.ID, "", nil, "If-Match", etag)
	if err != nil {
		t.Fatal(err)
	}
	if del.Status != http.StatusNoContent {
		t.Fatalf("USER delete of a DRAFT offering = %s, want 204", del)
	}
	// A USER may not publish.
	pub, err := c.JSON(ctx, http.MethodPost, "/api/v1/offerings/"+f.offeringID+"/publish", nil)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Status != http.StatusForbidden {
		t.Fatalf("USER publish = %s, want 403", pub)
	}
}
