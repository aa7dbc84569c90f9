package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
	"github.com/tmfcatalog/platform/services/characteristic/internal/domain"
)

// memRepo keeps characteristics in memory; Update and Delete run fn like the real repository.
type memRepo struct {
	rows map[uuid.UUID]domain.Characteristic
	refs map[uuid.UUID][]uuid.UUID
}

func (m *memRepo) Add(_ context.Context, c domain.Characteristic) error {
	m.rows[c.ID] = c
	return nil
}

func (m *memRepo) Get(_ context.Context, id uuid.UUID) (domain.Characteristic, error) {
	c, ok := m.rows[id]
	if !ok {
		return domain.Characteristic{}, domain.ErrNotFound
	}
	return c, nil
}

func (m *memRepo) List(context.Context, app.Page) ([]domain.Characteristic, error) { return nil, nil }

func (m *memRepo) Update(_ context.Context, id uuid.UUID, fn func(*domain.Characteristic) error) (domain.Characteristic, error) {
	c, ok := m.rows[id]
	if !ok {
		return domain.Characteristic{}, domain.ErrNotFound
	}
	if err := fn(&c); err != nil {
		return domain.Characteristic{}, err
	}
	c.Version++
	m.rows[id] = c
	return c, nil
}

func (m *memRepo) Delete(_ context.Context, id uuid.UUID, fn func(domain.Characteristic, []uuid.UUID) error) error {
	c, ok := m.rows[id]
	if !ok {
		return domain.ErrNotFound
	}
	if err := fn(c, m.refs[id]); err != nil {
		return err
	}
	delete(m.rows, id)
	return nil
}

func newService(t *testing.T) (*app.Service, *memRepo, domain.Characteristic) {
	t.Helper()
	repo := &memRepo{rows: map[uuid.UUID]domain.Characteristic{}, refs: map[uuid.UUID][]uuid.UUID{}}
	svc := app.New(repo, nil)
	c, err := svc.Create(context.Background(), domain.Input{Name: "Speed", Value: "100", Unit: "Mbps"})
	if err != nil {
		t.Fatal(err)
	}
	return svc, repo, c
}

func ptr[T any](v T) *T { return &v }

func TestUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cmd      func(id uuid.UUID) app.UpdateCommand
		wantErr  func(error) bool
		wantSave bool
	}{
		{"a valid patch is stored with the next version", func(id uuid.UUID) app.UpdateCommand {
			return app.UpdateCommand{ID: id, Patch: domain.Patch{Value: ptr("200")}, ExpectedVersion: ptr(int64(1))}
		}, nil, true},
		{"a stale expected version changes nothing", func(id uuid.UUID) app.UpdateCommand {
			return app.UpdateCommand{ID: id, Patch: domain.Patch{Value: ptr("200")}, ExpectedVersion: ptr(int64(9))}
		}, func(err error) bool { var m *domain.VersionMismatchError; return errors.As(err, &m) }, false},
		{"an invalid patch changes nothing", func(id uuid.UUID) app.UpdateCommand {
			return app.UpdateCommand{ID: id, Patch: domain.Patch{Unit: ptr("Lightyears")}}
		}, func(err error) bool { var v *domain.ValidationError; return errors.As(err, &v) }, false},
		{"an unknown id is not found", func(uuid.UUID) app.UpdateCommand {
			return app.UpdateCommand{ID: uuid.New(), Patch: domain.Patch{Value: ptr("1")}}
		}, func(err error) bool { return errors.Is(err, domain.ErrNotFound) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, repo, c := newService(t)
			got, err := svc.Update(context.Background(), tc.cmd(c.ID))
			if tc.wantErr != nil {
				if !tc.wantErr(err) {
					t.Fatalf("err = %v", err)
				}
			} else if err != nil || got.Version != 2 || got.Value != "200" {
				t.Fatalf("got %+v, %v", got, err)
			}
			if saved := repo.rows[c.ID]; (saved.Version == 2) != tc.wantSave {
				t.Fatalf("stored %+v, want saved=%v", saved, tc.wantSave)
			}
		})
	}
}

func TestDeleteRefusesReferencedCharacteristics(t *testing.T) {
	t.Parallel()
	svc, repo, c := newService(t)
	repo.refs[c.ID] = []uuid.UUID{uuid.New()}
	var ref *domain.ReferencedError
	if err := svc.Delete(context.Background(), app.DeleteCommand{ID: c.ID}); !errors.As(err, &ref) {
		t.Fatalf("err = %v", err)
	}
	delete(repo.refs, c.ID)
	if err := svc.Delete(context.Background(), app.DeleteCommand{ID: c.ID, ExpectedVersion: ptr(int64(1))}); err != nil {
		t.Fatal(err)
	}
	if _, ok := repo.rows[c.ID]; ok {
		t.Fatal("the characteristic is still stored")
	}
}

func TestCreateValidatesBeforeStoring(t *testing.T) {
	t.Parallel()
	svc, repo, _ := newService(t)
	_, err := svc.Create(context.Background(), domain.Input{Name: "", Value: "x", Unit: "GB"})
	var v *domain.ValidationError
	if !errors.As(err, &v) || len(repo.rows) != 1 {
		t.Fatalf("err = %v, rows = %d", err, len(repo.rows))
	}
}
