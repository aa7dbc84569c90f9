package app_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/services/identity/internal/app"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

// memUsers is an in-memory UserStore.
type memUsers struct {
	mu    sync.Mutex
	users map[string]domain.User
	err   error
}

func (m *memUsers) UserByUsername(_ context.Context, name string) (domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return domain.User{}, m.err
	}
	u, ok := m.users[strings.ToLower(name)]
	if !ok {
		return domain.User{}, domain.ErrUserNotFound
	}
	return u, nil
}

func (m *memUsers) CreateUser(_ context.Context, u domain.User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[strings.ToLower(u.Username)]; ok {
		return domain.ErrUsernameTaken
	}
	m.users[strings.ToLower(u.Username)] = u
	return nil
}

func (m *memUsers) ListUsers(context.Context) ([]domain.User, error) { return nil, nil }

func (m *memUsers) UpdatePasswordHash(_ context.Context, id string, hash []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, u := range m.users {
		if u.ID == id {
			u.PasswordHash = hash
			m.users[k] = u
			return nil
		}
	}
	return domain.ErrUserNotFound
}

type fakeIssuer struct{}

func (fakeIssuer) Issue(_ context.Context, p auth.Principal) (app.Token, error) {
	return app.Token{Value: p.Subject + "|" + p.Role, ExpiresIn: time.Hour}, nil
}

func newService(t *testing.T, cfg app.Config) (*app.Service, *memUsers) {
	t.Helper()
	cfg.BcryptCost = bcrypt.MinCost
	users := &memUsers{users: map[string]domain.User{}}
	svc, err := app.New(users, fakeIssuer{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SeedDevUsers(t.Context()); err != nil {
		t.Fatal(err)
	}
	return svc, users
}

func TestConcurrentFailuresNeverExceedTheLimit(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, app.Config{PerUsername: domain.ThrottlePolicy{MaxFailures: 3, Window: time.Hour}})
	var (
		wg                 sync.WaitGroup
		mu                 sync.Mutex
		invalid, throttled int
	)
	for range 20 {
		wg.Go(func() {
			_, err := svc.Login(t.Context(), app.LoginCommand{Username: "admin", Password: "wrong", ClientIP: "1.2.3.4"})
			var th *domain.ThrottledError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, domain.ErrInvalidCredentials):
				invalid++
			case errors.As(err, &th):
				throttled++
			default:
				t.Errorf("err = %v", err)
			}
		})
	}
	wg.Wait()
	if invalid != 3 || throttled != 17 {
		t.Fatalf("invalid %d, throttled %d; want 3 and 17", invalid, throttled)
	}
}

func TestLoginOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cmd      app.LoginCommand
		storeErr error
		want     error
	}{
		{"right password gives a token", app.LoginCommand{Username: "user", Password: "user"}, nil, nil},
		{"wrong password is invalid credentials", app.LoginCommand{Username: "user", Password: "nope"}, nil, domain.ErrInvalidCredentials},
		{"unknown user is invalid credentials", app.LoginCommand{Username: "ghost", Password: "user"}, nil, domain.ErrInvalidCredentials},
		{"a password longer than bcrypt reads is never accepted", app.LoginCommand{Username: "user", Password: "user" + strings.Repeat("x", 80)}, nil, domain.ErrInvalidCredentials},
		{"a store failure is not reported as bad credentials", app.LoginCommand{Username: "user", Password: "user"}, errors.New("db down"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc, users := newService(t, app.Config{PerUsername: domain.ThrottlePolicy{MaxFailures: 1, Window: time.Hour}})
			users.err = tc.storeErr
			tok, err := svc.Login(t.Context(), tc.cmd)
			switch {
			case tc.storeErr != nil:
				if err == nil || errors.Is(err, domain.ErrInvalidCredentials) {
					t.Fatalf("err = %v", err)
				}
				// Our failure must not count against the user.
				users.err = nil
				if _, err := svc.Login(t.Context(), tc.cmd); err != nil {
					t.Fatalf("after store recovery: %v", err)
				}
			case tc.want != nil:
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
			default:
				if err != nil || !strings.HasSuffix(tok.Value, "|USER") {
					t.Fatalf("token %+v, err %v", tok, err)
				}
			}
		})
	}
}

func TestServiceTokenChecksTheSecret(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, app.Config{Clients: map[string]string{"pricing": "s3cret"}, PerClientIP: domain.ThrottlePolicy{MaxFailures: 2, Window: time.Hour}})
	ctx := t.Context()
	if tok, err := svc.ServiceToken(ctx, app.ClientCommand{ClientID: "pricing", Secret: "s3cret"}); err != nil || tok.Value != "service:pricing|SERVICE" {
		t.Fatalf("token %+v, err %v", tok, err)
	}
	for _, cmd := range []app.ClientCommand{{ClientID: "ghost", Secret: "s3cret"}, {ClientID: "pricing", Secret: "wrong"}, {ClientID: "pricing", Secret: "wrong"}} {
		cmd.ClientIP = "6.6.6.6"
		if _, err := svc.ServiceToken(ctx, cmd); !errors.Is(err, domain.ErrInvalidClient) {
			t.Fatalf("%+v: err = %v", cmd, err)
		}
	}
	var th *domain.ThrottledError
	if _, err := svc.ServiceToken(ctx, app.ClientCommand{ClientID: "pricing", Secret: "s3cret", ClientIP: "6.6.6.6"}); !errors.As(err, &th) {
		t.Fatalf("attempt after two failures: err = %v, want throttled", err)
	}
	if _, err := svc.ServiceToken(ctx, app.ClientCommand{ClientID: "pricing", Secret: "s3cret", ClientIP: "10.0.0.5"}); err != nil {
		t.Fatalf("the real service from its own address: %v", err)
	}
}

func TestSeedingIsIdempotent(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t, app.Config{})
	created, err := svc.SeedDevUsers(t.Context())
	if err != nil || len(created) != 0 {
		t.Fatalf("second seed created %v, err %v", created, err)
	}
}

func TestLoginUpgradesAHashMadeWithAnotherCost(t *testing.T) {
	t.Parallel()
	users := &memUsers{users: map[string]domain.User{}}
	old, err := bcrypt.GenerateFromPassword([]byte("pw-1234"), bcrypt.MinCost+1)
	if err != nil {
		t.Fatal(err)
	}
	users.users["ann"] = domain.User{ID: "u1", Username: "ann", PasswordHash: old, Role: domain.RoleUser}
	svc, err := app.New(users, fakeIssuer{}, app.Config{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(t.Context(), app.LoginCommand{Username: "ann", Password: "pw-1234"}); err != nil {
		t.Fatal(err)
	}
	u, _ := users.UserByUsername(t.Context(), "ann")
	if cost, err := bcrypt.Cost(u.PasswordHash); err != nil || cost != bcrypt.MinCost {
		t.Fatalf("cost after login = %d, %v; want %d", cost, err, bcrypt.MinCost)
	}
	if _, err := svc.Login(t.Context(), app.LoginCommand{Username: "ann", Password: "pw-1234"}); err != nil {
		t.Fatalf("login with the upgraded hash: %v", err)
	}
}
