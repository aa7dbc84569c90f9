package httpapi

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

// maxMultipartMemory bounds a multipart login form held in memory (the body limit applies too).
const maxMultipartMemory = 64 << 10

// tokenRequest holds the fields of the login and token endpoints, as OAuth 2 names them.
// Pointers tell absent fields from empty ones; JSON nulls count as absent.
type tokenRequest struct {
	GrantType    *string `json:"grant_type"`
	Username     *string `json:"username"`
	Password     *string `json:"password"`
	Scope        *string `json:"scope"`
	ClientID     *string `json:"client_id"`
	ClientSecret *string `json:"client_secret"`
}

// decodeTokenRequest reads a form-urlencoded (the original's format), multipart or JSON body.
func decodeTokenRequest(r *http.Request) (tokenRequest, error) {
	mt := "application/x-www-form-urlencoded"
	if ct := r.Header.Get("Content-Type"); ct != "" {
		parsed, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return tokenRequest{}, unsupportedMedia()
		}
		mt = parsed
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		var req tokenRequest
		if err := apierror.DecodeJSON(r, &req); err != nil {
			return tokenRequest{}, err
		}
		return req, nil
	case mt == "application/x-www-form-urlencoded":
		r.Header.Set("Content-Type", mt)
		if err := r.ParseForm(); err != nil {
			return tokenRequest{}, formError(err)
		}
		return fromForm(r.PostForm), nil
	case mt == "multipart/form-data":
		if err := r.ParseMultipartForm(maxMultipartMemory); err != nil {
			return tokenRequest{}, formError(err)
		}
		return fromForm(r.PostForm), nil
	}
	return tokenRequest{}, unsupportedMedia()
}

func unsupportedMedia() error {
	return apierror.New(http.StatusUnsupportedMediaType, apierror.CodeUnsupportedMedia,
		"Content-Type must be application/x-www-form-urlencoded, multipart/form-data or application/json")
}

func formError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	return apierror.Invalid("body", "malformed form body")
}

func fromForm(v url.Values) tokenRequest {
	field := func(name string) *string {
		if vals, ok := v[name]; ok && len(vals) > 0 {
			s := vals[0]
			return &s
		}
		return nil
	}
	return tokenRequest{
		GrantType: field("grant_type"), Username: field("username"), Password: field("password"),
		Scope: field("scope"), ClientID: field("client_id"), ClientSecret: field("client_secret"),
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// loginInput validates a password login: username and password required, grant_type absent
// or "password".
func (t tokenRequest) loginInput() (username, password string, err error) {
	verr := &apierror.ValidationError{}
	if t.GrantType != nil && *t.GrantType != "password" {
		verr.Add("grant_type", `must be "password"`)
	}
	if err := domain.ValidateSubmitted(deref(t.Username)); err != nil {
		verr.Add("username", err.Error())
	}
	if err := domain.ValidateSubmitted(deref(t.Password)); err != nil {
		verr.Add("password", err.Error())
	}
	return deref(t.Username), deref(t.Password), verr.OrNil()
}

// clientInput validates a client-credentials request. The client may authenticate with HTTP
// Basic (id and secret form-urlencoded, RFC 6749 §2.3.1) or with form fields.
func (t tokenRequest) clientInput(r *http.Request) (id, secret string, err error) {
	verr := &apierror.ValidationError{}
	switch {
	case t.GrantType == nil || *t.GrantType == "":
		verr.Add("grant_type", "field required")
	case *t.GrantType != "client_credentials":
		verr.Add("grant_type", `must be "client_credentials"`)
	}
	if user, pass, ok := r.BasicAuth(); ok {
		id, err1 := url.QueryUnescape(user)
		secret, err2 := url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			verr.Add("authorization", "malformed client credentials")
		}
		return id, secret, verr.OrNil()
	}
	if err := domain.ValidateSubmitted(deref(t.ClientID)); err != nil {
		verr.Add("client_id", err.Error())
	}
	if err := domain.ValidateSubmitted(deref(t.ClientSecret)); err != nil {
		verr.Add("client_secret", err.Error())
	}
	return deref(t.ClientID), deref(t.ClientSecret), verr.OrNil()
}
