package postgres_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/migrations"
	"github.com/tmfcatalog/platform/services/identity/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

func TestUserStore(t *testing.T) {
	t.Parallel()
	fsys, err := migrations.For("identity")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := pgtest.NewDB(t, fsys)
	store := postgres.NewUsers(pool)
	ctx := t.Context()
	ann := domain.User{ID: uuid.NewString(), Username: "Ann", PasswordHash: []byte("h1"), Role: domain.RoleAdmin, CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	if err := store.CreateUser(ctx, ann); err != nil {
		t.Fatal(err)
	}

	t.Run("a user is found by username in any case", func(t *testing.T) {
		got, err := store.UserByUsername(ctx, "aNN")
		if err != nil || got.ID != ann.ID || got.Username != "Ann" || got.Role != domain.RoleAdmin || !got.CreatedAt.Equal(ann.CreatedAt) {
			t.Fatalf("got %+v, %v", got, err)
		}
	})
	t.Run("an unknown username is not found", func(t *testing.T) {
		if _, err := store.UserByUsername(ctx, "bob"); !errors.Is(err, domain.ErrUserNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a username differing only in case is taken", func(t *testing.T) {
		dup := ann
		dup.ID, dup.Username = uuid.NewString(), "ANN"
		if err := store.CreateUser(ctx, dup); !errors.Is(err, domain.ErrUsernameTaken) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("the password hash is replaced", func(t *testing.T) {
		if err := store.UpdatePasswordHash(ctx, ann.ID, []byte("h2")); err != nil {
			t.Fatal(err)
		}
		got, _ := store.UserByUsername(ctx, "ann")
		if string(got.PasswordHash) != "h2" {
			t.Fatalf("hash = %q", got.PasswordHash)
		}
		if err := store.UpdatePasswordHash(ctx, uuid.NewString(), []byte("x")); !errors.Is(err, domain.ErrUserNotFound) {
			t.Fatalf("unknown id: err = %v", err)
		}
	})
	t.Run("users are listed by username", func(t *testing.T) {
		if err := store.CreateUser(ctx, domain.User{ID: uuid.NewString(), Username: "aaron", PasswordHash: []byte("h"), Role: domain.RoleUser, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		users, err := store.ListUsers(ctx)
		if err != nil || len(users) != 2 || users[0].Username != "aaron" || users[1].Username != "Ann" {
			t.Fatalf("users %+v, %v", users, err)
		}
	})
}
