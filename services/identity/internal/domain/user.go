// Package domain holds the identity service's types and rules: users, roles, credentials and
// the login throttling policy. It does no I/O.
package domain

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Role is the role of a user account. Service clients have the separate SERVICE role, which
// no user may hold.
type Role string

// User roles.
const (
	RoleAdmin Role = "ADMIN"
	RoleUser  Role = "USER"
)

// ParseRole returns the role named s (case-insensitive).
func ParseRole(s string) (Role, error) {
	switch Role(strings.ToUpper(s)) {
	case RoleAdmin:
		return RoleAdmin, nil
	case RoleUser:
		return RoleUser, nil
	}
	return "", fmt.Errorf("role %q: %w", s, ErrUnknownRole)
}

// User is an account that can log in.
type User struct {
	ID           string
	Username     string
	PasswordHash []byte
	Role         Role
	CreatedAt    time.Time
}

// Limits on credentials. bcrypt ignores bytes after the 72nd, so longer passwords are refused
// rather than silently truncated.
const (
	MaxUsernameLen    = 100
	MinPasswordLen    = 4
	MaxPasswordBytes  = 72
	maxSubmittedBytes = 1024
)

// Errors of the domain edge.
var (
	// ErrInvalidCredentials is the single answer to an unknown user and a wrong password.
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrInvalidClient is the answer to unknown client ids and wrong client secrets.
	ErrInvalidClient = errors.New("invalid client credentials")
	// ErrUserNotFound is returned by user stores; it never reaches a login client.
	ErrUserNotFound = errors.New("user not found")
	// ErrUsernameTaken means another account already has the username.
	ErrUsernameTaken = errors.New("username already exists")
	// ErrUnknownRole means a role name is not ADMIN or USER.
	ErrUnknownRole = errors.New("role must be ADMIN or USER")
)

// ValidateUsername reports why name cannot be a username, or nil.
func ValidateUsername(name string) error {
	switch {
	case name == "":
		return errors.New("must not be empty")
	case len(name) > MaxUsernameLen:
		return fmt.Errorf("must be at most %d characters", MaxUsernameLen)
	}
	for _, r := range name {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return errors.New("must not contain spaces or control characters")
		}
	}
	return nil
}

// ValidateNewPassword reports why pw cannot be set as a password, or nil.
func ValidateNewPassword(pw string) error {
	switch {
	case len(pw) < MinPasswordLen:
		return fmt.Errorf("must be at least %d characters", MinPasswordLen)
	case len(pw) > MaxPasswordBytes:
		return fmt.Errorf("must be at most %d bytes", MaxPasswordBytes)
	}
	return nil
}

// ValidateSubmitted reports why a submitted username or password is not even worth checking
// (empty or absurdly long), or nil.
func ValidateSubmitted(value string) error {
	switch {
	case value == "":
		return errors.New("field required")
	case len(value) > maxSubmittedBytes:
		return fmt.Errorf("must be at most %d bytes", maxSubmittedBytes)
	}
	return nil
}
