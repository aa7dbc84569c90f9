// Package app holds the identity use cases: password login, client-credentials tokens, user
// administration and dev seeding. It declares the ports it needs.
package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

// UserStore reads and writes user accounts.
type UserStore interface {
	// UserByUsername finds a user by username, ignoring case; domain.ErrUserNotFound if none.
	UserByUsername(ctx context.Context, username string) (domain.User, error)
	// CreateUser inserts u; domain.ErrUsernameTaken if the username exists.
	CreateUser(ctx context.Context, u domain.User) error
	// ListUsers returns every user ordered by username.
	ListUsers(ctx context.Context) ([]domain.User, error)
	// UpdatePasswordHash replaces the password hash of user id.
	UpdatePasswordHash(ctx context.Context, id string, hash []byte) error
}

// Token is an issued access token.
type Token struct {
	Value     string
	ExpiresIn time.Duration
}

// TokenIssuer signs access tokens.
type TokenIssuer interface {
	Issue(ctx context.Context, p auth.Principal) (Token, error)
}

// Config tunes the use cases.
type Config struct {
	// BcryptCost is the cost of new password hashes and of the dummy hash.
	BcryptCost int
	// PerUsername and PerClientIP bound failed attempts.
	PerUsername, PerClientIP domain.ThrottlePolicy
	// Clients maps service client ids to their secrets.
	Clients map[string]string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Service runs the identity use cases.
type Service struct {
	users     UserStore
	tokens    TokenIssuer
	cost      int
	dummyHash []byte
	byUser    *Throttle
	byIP      *Throttle
	clients   map[string][32]byte
	now       func() time.Time
}

// New returns a Service. It hashes a random dummy password once, so that a login for an
// unknown user costs as much as one with a wrong password.
func New(users UserStore, tokens TokenIssuer, cfg Config) (*Service, error) {
	if cfg.BcryptCost < bcrypt.MinCost || cfg.BcryptCost > bcrypt.MaxCost {
		return nil, fmt.Errorf("bcrypt cost %d out of range", cfg.BcryptCost)
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("dummy password that matches nothing"), cfg.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("dummy hash: %w", err)
	}
	s := &Service{
		users: users, tokens: tokens, cost: cfg.BcryptCost, dummyHash: dummy,
		byUser: NewThrottle(cfg.PerUsername), byIP: NewThrottle(cfg.PerClientIP),
		clients: make(map[string][32]byte, len(cfg.Clients)), now: cfg.Now,
	}
	if s.now == nil {
		s.now = time.Now
	}
	for id, secret := range cfg.Clients {
		s.clients[id] = sha256.Sum256([]byte(secret))
	}
	return s, nil
}

// LoginCommand is a password login attempt.
type LoginCommand struct {
	Username, Password, ClientIP string
}

// Login checks the credentials and returns a user token. Unknown users and wrong passwords
// both give domain.ErrInvalidCredentials after the same bcrypt work; too many failures give
// *domain.ThrottledError.
func (s *Service) Login(ctx context.Context, cmd LoginCommand) (Token, error) {
	userKey := "user:" + strings.ToLower(cmd.Username)
	ipKey := "ip:" + cmd.ClientIP
	if wait, ok := s.byUser.acquire(s.now(), userKey); !ok {
		return Token{}, &domain.ThrottledError{RetryAfter: wait}
	}
	if wait, ok := s.byIP.acquire(s.now(), ipKey); !ok {
		s.byUser.forgive(userKey)
		return Token{}, &domain.ThrottledError{RetryAfter: wait}
	}
	user, err := s.users.UserByUsername(ctx, cmd.Username)
	switch {
	case errors.Is(err, domain.ErrUserNotFound):
		s.burnTime(cmd.Password)
		return Token{}, domain.ErrInvalidCredentials
	case err != nil:
		s.byUser.forgive(userKey) // our fault, not the caller's
		s.byIP.forgive(ipKey)
		return Token{}, fmt.Errorf("login: %w", err)
	}
	if !s.passwordMatches(user.PasswordHash, cmd.Password) {
		return Token{}, domain.ErrInvalidCredentials
	}
	s.byUser.reset(userKey)
	s.byIP.forgive(ipKey)
	if err := s.upgradeHash(ctx, user, cmd.Password); err != nil {
		return Token{}, fmt.Errorf("login: %w", err)
	}
	tok, err := s.tokens.Issue(ctx, auth.Principal{Subject: user.ID, Username: user.Username, Role: string(user.Role)})
	if err != nil {
		return Token{}, fmt.Errorf("login: %w", err)
	}
	return tok, nil
}

func (s *Service) passwordMatches(hash []byte, password string) bool {
	if len(password) > domain.MaxPasswordBytes {
		s.burnTime(password) // bcrypt would compare only the first 72 bytes
		return false
	}
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// upgradeHash rehashes the password when its hash was made with another cost than the one
// configured, so every account converges to BCRYPT_COST (and to the dummy hash's timing).
func (s *Service) upgradeHash(ctx context.Context, u domain.User, password string) error {
	cost, err := bcrypt.Cost(u.PasswordHash)
	if err != nil || cost == s.cost {
		return nil // an unreadable cost cannot have matched the password above
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.cost)
	if err != nil {
		return fmt.Errorf("rehash password: %w", err)
	}
	if err := s.users.UpdatePasswordHash(ctx, u.ID, hash); err != nil {
		return fmt.Errorf("rehash password: %w", err)
	}
	return nil
}

// burnTime does the work of one password check against the dummy hash.
func (s *Service) burnTime(password string) {
	_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password[:min(len(password), domain.MaxPasswordBytes)]))
}

// ClientCommand is a client-credentials token request.
type ClientCommand struct {
	ClientID, Secret, ClientIP string
}

// ServiceToken returns a SERVICE token for a configured client. Unknown ids and wrong
// secrets give domain.ErrInvalidClient; failures are throttled per client id and address
// together, so guessing from one address cannot lock a service out from its own.
func (s *Service) ServiceToken(ctx context.Context, cmd ClientCommand) (Token, error) {
	ipKey := "client:" + cmd.ClientID + "@" + cmd.ClientIP
	if wait, ok := s.byIP.acquire(s.now(), ipKey); !ok {
		return Token{}, &domain.ThrottledError{RetryAfter: wait}
	}
	want, known := s.clients[cmd.ClientID]
	got := sha256.Sum256([]byte(cmd.Secret))
	if subtle.ConstantTimeCompare(want[:], got[:]) != 1 || !known {
		return Token{}, domain.ErrInvalidClient
	}
	s.byIP.forgive(ipKey)
	tok, err := s.tokens.Issue(ctx, auth.Principal{
		Subject: "service:" + cmd.ClientID, Username: cmd.ClientID, Role: auth.RoleService,
	})
	if err != nil {
		return Token{}, fmt.Errorf("service token: %w", err)
	}
	return tok, nil
}
