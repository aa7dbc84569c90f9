// Package postgres stores user accounts in identity_db.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

// Users is the PostgreSQL user store.
type Users struct {
	pool *pgxpool.Pool
}

// NewUsers returns a store on pool.
func NewUsers(pool *pgxpool.Pool) *Users { return &Users{pool: pool} }

type userRow struct {
	ID           string
	Username     string
	PasswordHash string
	Role         string
	CreatedAt    time.Time
}

func fromRow(r userRow) (domain.User, error) {
	role, err := domain.ParseRole(r.Role)
	if err != nil {
		return domain.User{}, fmt.Errorf("user %s: %w", r.ID, err)
	}
	return domain.User{
		ID: r.ID, Username: r.Username, PasswordHash: []byte(r.PasswordHash), Role: role, CreatedAt: r.CreatedAt,
	}, nil
}

const selectUser = `SELECT id::text, username, password_hash, role, created_at FROM users`

// UserByUsername finds a user ignoring case; domain.ErrUserNotFound if none.
func (s *Users) UserByUsername(ctx context.Context, username string) (domain.User, error) {
	var r userRow
	err := s.pool.QueryRow(ctx, selectUser+` WHERE lower(username) = lower($1)`, username).
		Scan(&r.ID, &r.Username, &r.PasswordHash, &r.Role, &r.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.User{}, domain.ErrUserNotFound
	}
	if err != nil {
		return domain.User{}, fmt.Errorf("select user: %w", err)
	}
	return fromRow(r)
}

// CreateUser inserts u; domain.ErrUsernameTaken when the username exists in any case.
func (s *Users) CreateUser(ctx context.Context, u domain.User) error {
	_, err := s.pool.Exec(ctx,
		`INSERT INTO users (id, username, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.Username, string(u.PasswordHash), string(u.Role), u.CreatedAt)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return domain.ErrUsernameTaken
	}
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

// ListUsers returns every user ordered by username.
func (s *Users) ListUsers(ctx context.Context) ([]domain.User, error) {
	rows, err := s.pool.Query(ctx, selectUser+` ORDER BY lower(username)`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []domain.User
	for rows.Next() {
		var r userRow
		if err := rows.Scan(&r.ID, &r.Username, &r.PasswordHash, &r.Role, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		u, err := fromRow(r)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// UpdatePasswordHash replaces the password hash of user id; domain.ErrUserNotFound if none.
func (s *Users) UpdatePasswordHash(ctx context.Context, id string, hash []byte) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, id, string(hash))
	if err != nil {
		return fmt.Errorf("update password hash: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return domain.ErrUserNotFound
	}
	return nil
}
