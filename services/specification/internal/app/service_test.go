package app_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/specification/internal/app"
	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

// fakeReplica keeps replicated characteristics in memory.
type fakeReplica struct{ known map[uuid.UUID]bool }

func (f *fakeReplica) Existing(_ context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	for _, id := range ids {
		if f.known[id] {
			out[id] = true
		}
	}
	return out, nil
}

func (f *fakeReplica) Store(_ context.Context, c domain.Characteristic) (bool, error) {
	f.known[c.ID] = true
	return true, nil
}

func (f *fakeReplica) Apply(ctx context.Context, _, _ string, c domain.Characteristic) (bool, error) {
	return f.Store(ctx, c)
}

// fakeDirectory answers lookups from a map and counts them.
type fakeDirectory struct {
	remote  map[uuid.UUID]bool
	err     error
	lookups int
}

func (f *fakeDirectory) Lookup(_ context.Context, id uuid.UUID) (domain.Characteristic, bool, error) {
	f.lookups++
	if f.err != nil {
		return domain.Characteristic{}, false, f.err
	}
	return domain.Characteristic{ID: id, Name: "n", Value: "1", Unit: "GB", Version: 1}, f.remote[id], nil
}

// fakeRepo records added specifications; only Add and Existing are used here.
type fakeRepo struct {
	app.Repository
	added []domain.Specification
}

func (f *fakeRepo) Add(_ context.Context, s domain.Specification) error {
	f.added = append(f.added, s)
	return nil
}

func (f *fakeRepo) Existing(_ context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out := map[uuid.UUID]bool{}
	for _, s := range f.added {
		for _, id := range ids {
			if s.ID == id {
				out[id] = true
			}
		}
	}
	return out, nil
}

func TestCreateChecksCharacteristics(t *testing.T) {
	t.Parallel()
	replicated, remoteOnly, unknown := uuid.New(), uuid.New(), uuid.New()
	tests := []struct {
		name        string
		ids         []uuid.UUID
		dirErr      error
		wantLookups int
		check       func(t *testing.T, err error)
	}{
		{"replicated characteristics need no lookup", []uuid.UUID{replicated}, nil, 0, func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"a characteristic only the owner knows is looked up and accepted", []uuid.UUID{replicated, remoteOnly}, nil, 1, func(t *testing.T, err error) {
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"an unknown characteristic is refused after one lookup", []uuid.UUID{unknown, replicated}, nil, 1, func(t *testing.T, err error) {
			var u *domain.UnknownCharacteristicsError
			if !errors.As(err, &u) || len(u.IDs) != 1 || u.IDs[0] != unknown || u.Fields[0].Field != "characteristic_ids[0]" {
				t.Fatalf("err = %v", err)
			}
		}},
		{"a failed lookup is reported as the directory being unavailable", []uuid.UUID{unknown}, errors.New("connection refused"), 1, func(t *testing.T, err error) {
			if !errors.Is(err, app.ErrDirectoryUnavailable) {
				t.Fatalf("err = %v", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			replica := &fakeReplica{known: map[uuid.UUID]bool{replicated: true}}
			dir := &fakeDirectory{remote: map[uuid.UUID]bool{remoteOnly: true}, err: tc.dirErr}
			repo := &fakeRepo{}
			svc := app.New(repo, replica, dir, nil)
			ids := make([]string, len(tc.ids))
			for i, id := range tc.ids {
				ids[i] = id.String()
			}
			_, err := svc.Create(context.Background(), domain.Input{Name: "Spec", CharacteristicIDs: ids})
			tc.check(t, err)
			if dir.lookups != tc.wantLookups {
				t.Fatalf("lookups = %d, want %d", dir.lookups, tc.wantLookups)
			}
			if (err == nil) != (len(repo.added) == 1) {
				t.Fatalf("stored %d specifications with err %v", len(repo.added), err)
			}
		})
	}
}

func TestCreateRejectsBadInputBeforeAnyLookup(t *testing.T) {
	t.Parallel()
	dir := &fakeDirectory{}
	svc := app.New(&fakeRepo{}, &fakeReplica{known: map[uuid.UUID]bool{}}, dir, nil)
	_, err := svc.Create(context.Background(), domain.Input{Name: "", CharacteristicIDs: []string{uuid.NewString()}})
	var verr *domain.ValidationError
	if !errors.As(err, &verr) || dir.lookups != 0 {
		t.Fatalf("err = %v, lookups = %d", err, dir.lookups)
	}
}

func TestValidateExisting(t *testing.T) {
	t.Parallel()
	repo := &fakeRepo{}
	svc := app.New(repo, &fakeReplica{known: map[uuid.UUID]bool{}}, &fakeDirectory{}, nil)
	stored := uuid.New()
	repo.added = append(repo.added, domain.Specification{ID: stored})
	if err := svc.ValidateExisting(context.Background(), []string{stored.String()}); err != nil {
		t.Fatalf("stored id: %v", err)
	}
	ghost := uuid.NewString()
	var missing *domain.MissingSpecificationsError
	err := svc.ValidateExisting(context.Background(), []string{"junk", stored.String(), ghost})
	if !errors.As(err, &missing) || len(missing.IDs) != 2 || missing.IDs[0] != "junk" || missing.IDs[1] != ghost {
		t.Fatalf("err = %v", err)
	}
}
