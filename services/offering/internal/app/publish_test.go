package app_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/offering/internal/app"
	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

// memStore is an in-memory Store: a unit of work copies the state and keeps it only when fn succeeds.
type memStore struct {
	mu        sync.Mutex
	offerings map[uuid.UUID]domain.Offering
	events    []string
	known     map[uuid.UUID]bool
	failTx    int // the n-th InTx (1-based) fails after fn; 0 = never
	txCount   int
}

type memTx struct {
	s         *memStore
	offerings map[uuid.UUID]domain.Offering
	events    []string
}

func (s *memStore) InTx(ctx context.Context, fn func(ctx context.Context, tx app.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.txCount++
	tx := &memTx{s: s, offerings: map[uuid.UUID]domain.Offering{}}
	for k, v := range s.offerings {
		tx.offerings[k] = v
	}
	if err := fn(ctx, tx); err != nil {
		return err
	}
	if s.txCount == s.failTx {
		return errors.New("commit failed")
	}
	s.offerings, s.events = tx.offerings, append(s.events, tx.events...)
	return nil
}

func (s *memStore) Get(_ context.Context, id uuid.UUID) (domain.Offering, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.offerings[id]
	if !ok {
		return domain.Offering{}, domain.ErrNotFound
	}
	return o, nil
}

func (s *memStore) List(context.Context, *domain.Status, int, int) ([]domain.Offering, error) {
	return nil, nil
}

func (s *memStore) StalledPublications(_ context.Context, before time.Time) ([]app.StalledPublication, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []app.StalledPublication
	for _, o := range s.offerings {
		if o.Status == domain.Publishing && o.ProcessInstanceKey == nil && o.SagaID.Valid && o.UpdatedAt.Before(before) {
			out = append(out, app.StalledPublication{OfferingID: o.ID, SagaID: o.SagaID.UUID})
		}
	}
	return out, nil
}

func (s *memStore) SetProcessInstance(_ context.Context, id, _ uuid.UUID, key int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.offerings[id]
	o.ProcessInstanceKey = &key
	s.offerings[id] = o
	return nil
}

func (t *memTx) Lock(_ context.Context, id uuid.UUID) (domain.Offering, error) {
	o, ok := t.offerings[id]
	if !ok {
		return domain.Offering{}, domain.ErrNotFound
	}
	return o, nil
}
func (t *memTx) Insert(_ context.Context, o domain.Offering) error { t.offerings[o.ID] = o; return nil }
func (t *memTx) Save(_ context.Context, o domain.Offering) error   { t.offerings[o.ID] = o; return nil }
func (t *memTx) Remove(_ context.Context, o domain.Offering) error {
	delete(t.offerings, o.ID)
	return nil
}
func (t *memTx) Emit(_ context.Context, ev string, _ domain.Offering) error {
	t.events = append(t.events, ev)
	return nil
}
func (t *memTx) References(_ context.Context, prices, specs []uuid.UUID) (domain.References, error) {
	r := domain.References{KnownPrices: map[uuid.UUID]bool{}, KnownSpecifications: map[uuid.UUID]bool{}}
	for _, id := range prices {
		r.KnownPrices[id] = t.s.known[id]
	}
	for _, id := range specs {
		r.KnownSpecifications[id] = t.s.known[id]
	}
	return r, nil
}
func (t *memTx) ApplyReplica(context.Context, app.ReplicaKind, uuid.UUID, int64, bool) error {
	return nil
}
func (t *memTx) MarkProcessed(context.Context, string, string) (bool, error) { return false, nil }

type starter struct {
	err   error
	state func() domain.Status
	seen  domain.Status
}

func (s *starter) StartPublication(_ context.Context, p app.PublicationStart) (int64, error) {
	s.seen = s.state()
	return 42, s.err
}

func setup(t *testing.T, st *starter) (*app.Service, *memStore, domain.Offering) {
	t.Helper()
	spec, price := uuid.New(), uuid.New()
	store := &memStore{offerings: map[uuid.UUID]domain.Offering{}, known: map[uuid.UUID]bool{spec: true, price: true}}
	svc := app.New(store, st)
	o, err := svc.Create(context.Background(), domain.Content{Name: "x", SpecificationIDs: []uuid.UUID{spec},
		PricingIDs: []uuid.UUID{price}, SalesChannels: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	st.state = func() domain.Status { return store.offerings[o.ID].Status }
	return svc, store, o
}

func TestPublishUseCase(t *testing.T) {
	t.Parallel()
	t.Run("the saga starts only after PUBLISHING is committed, and the key is kept", func(t *testing.T) {
		t.Parallel()
		st := &starter{}
		svc, store, o := setup(t, st)
		got, err := svc.Publish(context.Background(), o.ID)
		if err != nil || got.Status != domain.Publishing || *got.ProcessInstanceKey != 42 {
			t.Fatalf("publish: %+v %v", got, err)
		}
		if st.seen != domain.Publishing {
			t.Fatalf("the saga started while the committed status was %s", st.seen)
		}
		if strings.Join(store.events, ",") != "OfferingCreated,OfferingPublicationInitiated" {
			t.Fatalf("events %v", store.events)
		}
	})
	t.Run("an engine failure reverts to DRAFT in a second transaction", func(t *testing.T) {
		t.Parallel()
		st := &starter{err: errors.New("unavailable")}
		svc, store, o := setup(t, st)
		_, err := svc.Publish(context.Background(), o.ID)
		var unavailable *app.SagaUnavailableError
		if !errors.As(err, &unavailable) {
			t.Fatalf("error = %v", err)
		}
		if cur := store.offerings[o.ID]; cur.Status != domain.Draft || !strings.Contains(*cur.FailureReason, "unavailable") {
			t.Fatalf("after failure: %+v", cur)
		}
		if strings.Join(store.events, ",") != "OfferingCreated,OfferingPublicationInitiated,OfferingPublicationFailed" {
			t.Fatalf("events %v", store.events)
		}
	})
	t.Run("when the revert itself fails the error says so and is not a 503", func(t *testing.T) {
		t.Parallel()
		st := &starter{err: errors.New("unavailable")}
		svc, store, o := setup(t, st)
		store.failTx = 3 // 1 create, 2 publish, 3 revert
		_, err := svc.Publish(context.Background(), o.ID)
		var unavailable *app.SagaUnavailableError
		if err == nil || errors.As(err, &unavailable) || !strings.Contains(err.Error(), "revert to draft failed") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("a failed first transaction starts no saga", func(t *testing.T) {
		t.Parallel()
		st := &starter{}
		svc, store, o := setup(t, st)
		store.failTx = 2
		if _, err := svc.Publish(context.Background(), o.ID); err == nil {
			t.Fatal("publish succeeded although its transaction failed")
		}
		if st.seen != "" || store.offerings[o.ID].Status != domain.Draft {
			t.Fatalf("saga saw %q, offering %s", st.seen, store.offerings[o.ID].Status)
		}
	})
}

func TestAPublicationWhoseSagaNeverStartedIsRevertedAfterTheGracePeriod(t *testing.T) {
	t.Parallel()
	svc, store, o := setup(t, &starter{})
	// The process died after committing PUBLISHING and before the engine accepted the saga.
	stalled := store.offerings[o.ID]
	stalled.Status = domain.Publishing
	stalled.SagaID = uuid.NullUUID{UUID: uuid.New(), Valid: true}
	stalled.UpdatedAt = time.Now().Add(-10 * time.Minute)
	store.offerings[o.ID] = stalled
	// A publication that is merely young is left alone.
	young := stalled
	young.ID = uuid.New()
	young.UpdatedAt = time.Now()
	store.offerings[young.ID] = young

	n, err := svc.RecoverStalledPublications(context.Background(), time.Minute)
	if err != nil || n != 1 {
		t.Fatalf("RecoverStalledPublications = %d, %v; want 1 reverted", n, err)
	}
	got := store.offerings[o.ID]
	if got.Status != domain.Draft || got.FailureReason == nil || !strings.Contains(*got.FailureReason, "did not start") {
		t.Fatalf("stalled offering is %s (reason %v), want DRAFT with a reason", got.Status, got.FailureReason)
	}
	if store.offerings[young.ID].Status != domain.Publishing {
		t.Fatal("a young publication was reverted")
	}
}
