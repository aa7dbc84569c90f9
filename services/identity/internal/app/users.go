package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

// NewUser is a request to create an account.
type NewUser struct {
	Username, Password string
	Role               domain.Role
}

// Validate reports every field that cannot be accepted.
func (n NewUser) Validate() error {
	verr := &apierror.ValidationError{}
	if err := domain.ValidateUsername(n.Username); err != nil {
		verr.Add("username", err.Error())
	}
	if err := domain.ValidateNewPassword(n.Password); err != nil {
		verr.Add("password", err.Error())
	}
	if _, err := domain.ParseRole(string(n.Role)); err != nil {
		verr.Add("role", domain.ErrUnknownRole.Error())
	}
	return verr.OrNil()
}

// CreateUser validates n, hashes its password and stores the account.
func (s *Service) CreateUser(ctx context.Context, n NewUser) (domain.User, error) {
	if err := n.Validate(); err != nil {
		return domain.User{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(n.Password), s.cost)
	if err != nil {
		return domain.User{}, fmt.Errorf("hash password: %w", err)
	}
	u := domain.User{ID: uuid.NewString(), Username: n.Username, PasswordHash: hash, Role: n.Role, CreatedAt: s.now().UTC()}
	if err := s.users.CreateUser(ctx, u); err != nil {
		return domain.User{}, fmt.Errorf("create user %q: %w", n.Username, err)
	}
	return u, nil
}

// ListUsers returns every account.
func (s *Service) ListUsers(ctx context.Context) ([]domain.User, error) {
	users, err := s.users.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// DevUsers are the accounts SeedDevUsers creates: admin/admin and user/user.
var DevUsers = []NewUser{
	{Username: "admin", Password: "admin", Role: domain.RoleAdmin},
	{Username: "user", Password: "user", Role: domain.RoleUser},
}

// SeedDevUsers creates the DevUsers that do not exist yet and returns the names created.
// Existing accounts are left untouched, so a changed password survives restarts.
func (s *Service) SeedDevUsers(ctx context.Context) ([]string, error) {
	var created []string
	for _, n := range DevUsers {
		// Look first: hashing a password that is then thrown away costs a second at cost 12.
		_, err := s.users.UserByUsername(ctx, n.Username)
		switch {
		case err == nil:
			continue
		case !errors.Is(err, domain.ErrUserNotFound):
			return created, fmt.Errorf("seed: %w", err)
		}
		_, err = s.CreateUser(ctx, n)
		switch {
		case errors.Is(err, domain.ErrUsernameTaken):
			continue
		case err != nil:
			return created, fmt.Errorf("seed: %w", err)
		}
		created = append(created, n.Username)
	}
	return created, nil
}
