package httpapi

import (
	"math"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/identity/internal/app"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

func tokenResponse(t app.Token) auth.TokenResponse {
	return auth.TokenResponse{AccessToken: t.Value, TokenType: "bearer", ExpiresIn: int64(math.Ceil(t.ExpiresIn.Seconds()))}
}

func writeToken(w http.ResponseWriter, t app.Token) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	apierror.WriteJSON(w, http.StatusOK, tokenResponse(t))
}

// login: POST /api/v1/auth/login.
func (h *handlers) login(w http.ResponseWriter, r *http.Request) {
	req, err := decodeTokenRequest(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	username, password, err := req.loginInput()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tok, err := h.app.Login(r.Context(), app.LoginCommand{
		Username: username, Password: password, ClientIP: clientIP(r, h.trusted),
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeToken(w, tok)
}

// token: POST /api/v1/auth/token (client credentials).
func (h *handlers) token(w http.ResponseWriter, r *http.Request) {
	req, err := decodeTokenRequest(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, secret, err := req.clientInput(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tok, err := h.app.ServiceToken(r.Context(), app.ClientCommand{ClientID: id, Secret: secret, ClientIP: clientIP(r, h.trusted)})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeToken(w, tok)
}

type publicKeyResponse struct {
	PublicKey string         `json:"public_key"`
	KeyID     string         `json:"kid"`
	Algorithm string         `json:"alg"`
	Keys      []publishedKey `json:"keys"`
}

type publishedKey struct {
	KeyID     string `json:"kid"`
	PublicKey string `json:"public_key"`
}

const pemMediaType = "application/x-pem-file"

// publicKey: GET /api/v1/auth/public-key. JSON with the signing key's PEM (the original's
// shape) plus every published key; with Accept: application/x-pem-file, the PEMs alone.
func (h *handlers) publicKey(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Add("Vary", "Accept")
	if acceptsPEM(r.Header.Get("Accept")) {
		w.Header().Set("Content-Type", pemMediaType)
		_, _ = w.Write(h.allPEM)
		return
	}
	apierror.WriteJSON(w, http.StatusOK, h.publicKeys)
}

func acceptsPEM(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && (mt == pemMediaType || mt == "application/x-pem" || mt == "text/plain") {
			return true
		}
	}
	return false
}

// jwks: GET /.well-known/jwks.json.
func (h *handlers) jwks(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	apierror.WriteJSON(w, http.StatusOK, h.jwkSet)
}

type principalResponse struct {
	Subject  string `json:"sub"`
	Username string `json:"username"`
	Role     string `json:"role"`
}

// me: GET /api/v1/auth/me, the caller as its token describes it.
func (h *handlers) me(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	apierror.WriteJSON(w, http.StatusOK, principalResponse{Subject: p.Subject, Username: p.Username, Role: p.Role})
}

type userResponse struct {
	ID        string    `json:"id"`
	Username  string    `json:"username"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

func toUserResponse(u domain.User) userResponse {
	return userResponse{ID: u.ID, Username: u.Username, Role: string(u.Role), CreatedAt: u.CreatedAt.UTC()}
}

// listUsers: GET /api/v1/users (ADMIN).
func (h *handlers) listUsers(w http.ResponseWriter, r *http.Request) {
	users, err := h.app.ListUsers(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]userResponse, 0, len(users))
	for _, u := range users {
		out = append(out, toUserResponse(u))
	}
	apierror.WriteJSON(w, http.StatusOK, out)
}

type createUserRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Role     string `json:"role"`
}

// createUser: POST /api/v1/users (ADMIN).
func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) {
	var req createUserRequest
	if err := apierror.DecodeJSON(r, &req); err != nil {
		h.fail(w, r, err)
		return
	}
	// The role is checked by the use case's validation, with the other fields.
	role := domain.Role(strings.ToUpper(req.Role))
	u, err := h.app.CreateUser(r.Context(), app.NewUser{Username: req.Username, Password: req.Password, Role: role})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	apierror.WriteJSON(w, http.StatusCreated, toUserResponse(u))
}
