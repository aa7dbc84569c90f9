package httpapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/identity/internal/app"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

// lastUser is a UserStore that keeps the one account created since its last reset.
type lastUser struct {
	mu   sync.Mutex
	user *domain.User
}

func (s *lastUser) UserByUsername(context.Context, string) (domain.User, error) {
	return domain.User{}, domain.ErrUserNotFound
}

func (s *lastUser) CreateUser(_ context.Context, u domain.User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user != nil {
		return domain.ErrUsernameTaken
	}
	s.user = &u
	return nil
}

func (s *lastUser) ListUsers(context.Context) ([]domain.User, error) { return nil, nil }

func (s *lastUser) UpdatePasswordHash(context.Context, string, []byte) error { return nil }

func (s *lastUser) take() *domain.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.user
	s.user = nil
	return u
}

type noIssuer struct{}

func (noIssuer) Issue(context.Context, auth.Principal) (app.Token, error) { return app.Token{}, nil }

// FuzzCreateUser drives the createUser handler (decoder, validation, error mapping) with
// arbitrary bodies and content types: the answer is 201 or a documented 4xx envelope, never a
// 500; a created account is the one the body asked for and respects the NewUser limits.
func FuzzCreateUser(f *testing.F) {
	for _, s := range [][2]string{
		{"application/json", `{"username":"alice","password":"s3cret","role":"USER"}`},
		{"application/json", `{"username":"root","password":"s3cret","role":"admin"}`},
		{"application/json", `{"username":"a b","password":"s3","role":"GOD"}`},
		{"application/json", `{"username":"alice","password":"s3cret","role":"SERVICE"}`},
		{"application/json", `{"username":"alice","password":"s3cret","role":"USER","admin":true}`},
		{"application/json", `{"username":1,"password":null,"role":[]}`},
		{"application/json", `{"username":"🙂","password":"` + strings.Repeat("x", 73) + `","role":"USER"}`},
		{"application/json", `{"username":"alice","password":"s3cret","role":"USER"}{}`},
		{"application/json; charset=utf-8", `{"username":"\u0000","password":"pass","role":"user"}`},
		{"text/plain", `{"username":"alice","password":"s3cret","role":"USER"}`},
		{"", `null`},
		{"application/json", `{`},
	} {
		f.Add(s[0], []byte(s[1]))
	}
	store := &lastUser{}
	svc, err := app.New(store, noIssuer{}, app.Config{BcryptCost: bcrypt.MinCost})
	if err != nil {
		f.Fatal(err)
	}
	h := &handlers{app: svc, mapper: newMapper(slog.New(slog.NewTextHandler(io.Discard, nil)))}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		defer store.take()
		r := httptest.NewRequest(http.MethodPost, "/api/v1/users", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, BodyLimit)
		h.createUser(w, r)
		res := w.Result()
		if res.StatusCode != http.StatusCreated {
			checkEnvelope(t, res, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge)
			return
		}
		var got userResponse
		if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
			t.Fatalf("201 body: %v", err)
		}
		var req createUserRequest
		if err := json.Unmarshal(body, &req); err != nil {
			t.Fatalf("accepted a body encoding/json refuses: %v", err)
		}
		u := store.take()
		switch {
		case u == nil || u.ID != got.ID || u.Username != got.Username || string(u.Role) != got.Role:
			t.Fatalf("answer %+v is not the stored account %+v", got, u)
		case got.Username != req.Username || got.Role != strings.ToUpper(req.Role):
			t.Fatalf("created %+v from request %+v", got, req)
		case domain.ValidateUsername(got.Username) != nil || (got.Role != "ADMIN" && got.Role != "USER"):
			t.Fatalf("created an account outside the limits: %+v", got)
		case len(req.Password) < domain.MinPasswordLen || len(req.Password) > domain.MaxPasswordBytes:
			t.Fatalf("accepted a %d-byte password", len(req.Password))
		case bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(req.Password)) != nil:
			t.Fatal("the stored hash is not the submitted password's")
		}
	})
}

// FuzzDecodeClientCredentials feeds arbitrary bodies, content types and Authorization headers
// to the token endpoint's decoder and client-credentials validation: no panic; failures are
// validation, media-type or size errors; an accepted request has grant_type
// client_credentials, and its id and secret are the ones sent (Basic round trip) or bounded
// non-empty form fields.
func FuzzDecodeClientCredentials(f *testing.F) {
	const form = "application/x-www-form-urlencoded"
	f.Add(form, "grant_type=client_credentials&client_id=pricing&client_secret=s", byte(0), "", "")
	f.Add(form, "grant_type=client_credentials", byte(1), "pricing", "dev-secret-pricing")
	f.Add(form, "grant_type=client_credentials", byte(1), "id with:colon", "s%ecret+")
	f.Add(form, "grant_type=client_credentials", byte(2), "Basic !!!", "")
	f.Add(form, "grant_type=client_credentials", byte(2), "Basic JXp6OiV6eg==", "") // %zz:%zz
	f.Add(form, "grant_type=password&client_id=a&client_secret=b", byte(0), "", "")
	f.Add(form, "client_id=a&client_secret="+strings.Repeat("x", 1025), byte(0), "", "")
	f.Add("application/json", `{"grant_type":"client_credentials","client_id":"a","client_secret":"b"}`, byte(0), "", "")
	f.Add("application/json", `{"grant_type":null,"client_id":"a","client_secret":"b","x":1}`, byte(0), "", "")
	f.Add("multipart/form-data; boundary=xx", "--xx\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--xx--\r\n", byte(1), "a", "b")
	f.Add("text/xml", "<x/>", byte(0), "", "")
	f.Fuzz(func(t *testing.T, contentType, body string, mode byte, id, secret string) {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/token", strings.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		switch mode % 3 {
		case 1:
			r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString(
				[]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))))
		case 2:
			r.Header.Set("Authorization", id)
		}
		w := httptest.NewRecorder()
		r.Body = http.MaxBytesReader(w, r.Body, BodyLimit)
		req, err := decodeTokenRequest(r)
		var gotID, gotSecret string
		if err == nil {
			gotID, gotSecret, err = req.clientInput(r)
		}
		if err != nil {
			var (
				verr *apierror.ValidationError
				herr *apierror.Error
				big  *http.MaxBytesError
			)
			if !errors.As(err, &verr) && !errors.As(err, &herr) && !errors.As(err, &big) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		if req.GrantType == nil || *req.GrantType != "client_credentials" {
			t.Fatalf("accepted grant_type %v", req.GrantType)
		}
		if _, _, basic := r.BasicAuth(); basic {
			if mode%3 == 1 && (gotID != id || gotSecret != secret) {
				t.Fatalf("Basic %q:%q read back as %q:%q", id, secret, gotID, gotSecret)
			}
			return
		}
		if domain.ValidateSubmitted(gotID) != nil || domain.ValidateSubmitted(gotSecret) != nil {
			t.Fatalf("accepted form credentials %q:%q outside the limits", gotID, gotSecret)
		}
	})
}

// checkEnvelope fails unless res is one of the allowed statuses with the error envelope.
func checkEnvelope(t *testing.T, res *http.Response, allowed ...int) {
	t.Helper()
	ok := false
	for _, s := range allowed {
		ok = ok || res.StatusCode == s
	}
	if !ok {
		t.Fatalf("status %d, want one of %v", res.StatusCode, allowed)
	}
	var env apierror.Envelope
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil || env.Error.Code == "" || env.Error.Message == "" {
		t.Fatalf("status %d without the error envelope (%v)", res.StatusCode, err)
	}
}
