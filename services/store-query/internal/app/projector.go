package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/keyedlock"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// maxConflictRetries bounds the optimistic-concurrency retries of one document write.
const maxConflictRetries = 8

// Projector keeps the replicas, the store documents and the search index in step with events
// and saga steps. It is safe for concurrent use.
type Projector struct {
	// ReplicaWait bounds how long the create-store-entry step waits for a replica that is
	// missing or behind the saga before failing the job (0: it fails at once).
	ReplicaWait time.Duration

	replicas Replicas
	docs     Documents
	queue    IndexQueue
	index    Index
	log      *slog.Logger
	locks    keyedlock.Map
}

// NewProjector wires a projector.
func NewProjector(r Replicas, d Documents, q IndexQueue, i Index, log *slog.Logger) *Projector {
	return &Projector{replicas: r, docs: d, queue: q, index: i, log: log}
}

// ApplyCharacteristic stores a characteristic change and re-builds every document using it.
func (p *Projector) ApplyCharacteristic(ctx context.Context, c domain.Characteristic) error {
	out, err := p.replicas.UpsertCharacteristic(ctx, c)
	if err != nil {
		return fmt.Errorf("store characteristic %s v%d: %w", c.ID, c.Version, err)
	}
	return p.afterReplica(ctx, out, c.Deleted, domain.KindCharacteristic, c.ID)
}

// ApplySpecification stores a specification change and re-builds every document using it.
func (p *Projector) ApplySpecification(ctx context.Context, s domain.Specification) error {
	out, err := p.replicas.UpsertSpecification(ctx, s)
	if err != nil {
		return fmt.Errorf("store specification %s v%d: %w", s.ID, s.Version, err)
	}
	return p.afterReplica(ctx, out, s.Deleted, domain.KindSpecification, s.ID)
}

// ApplyPrice stores a price change and re-builds every document using it.
func (p *Projector) ApplyPrice(ctx context.Context, pr domain.Price) error {
	out, err := p.replicas.UpsertPrice(ctx, pr)
	if err != nil {
		return fmt.Errorf("store price %s v%d: %w", pr.ID, pr.Version, err)
	}
	return p.afterReplica(ctx, out, pr.Deleted, domain.KindPrice, pr.ID)
}

// afterReplica re-builds the documents using an entity. A redelivery of the current version
// (Same) re-builds too, so a failure after the replica write is repaired by the retry.
func (p *Projector) afterReplica(ctx context.Context, out Outcome, deleted bool, kind domain.EntityKind, id string) error {
	if out == Stale {
		p.log.DebugContext(ctx, "stale event ignored", "kind", string(kind), "entity_id", id)
		return nil
	}
	if deleted {
		// The write services refuse to delete an entity that an offering still uses, so there
		// is nothing to re-build; documents are left as they are.
		return nil
	}
	ids, err := p.docs.IDsUsing(ctx, kind, id)
	if err != nil {
		return fmt.Errorf("find documents using %s %s: %w", kind, id, err)
	}
	var errs []error
	for _, docID := range ids {
		if err := p.rebuild(ctx, docID, false); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ApplyOffering stores an offering change and brings its document in line with its state:
// PUBLISHED → built and visible; PUBLISHING → an existing (pre-created) document re-built,
// invisible; anything else (DRAFT after a failed publication, RETIRED, deleted) → removed
// from the store and the search index.
func (p *Projector) ApplyOffering(ctx context.Context, o domain.Offering) error {
	out, err := p.replicas.UpsertOffering(ctx, o)
	if err != nil {
		return fmt.Errorf("store offering %s v%d: %w", o.ID, o.Version, err)
	}
	if out == Stale {
		p.log.DebugContext(ctx, "stale offering event ignored", "offering_id", o.ID, "version", o.Version)
		return nil
	}
	switch actionFor(o) {
	case docRemove:
		return p.remove(ctx, o.ID)
	case docCreate:
		return p.rebuild(ctx, o.ID, true)
	default:
		return p.rebuild(ctx, o.ID, false)
	}
}

// docAction is what an event asks of one store document.
type docAction int

const (
	// docFollow re-builds an existing document and leaves a missing one missing.
	docFollow docAction = iota + 1
	// docCreate re-builds the document, creating it when missing.
	docCreate
	// docRemove deletes the document from the store and the search index.
	docRemove
)

// actionFor maps an offering's state to its document: PUBLISHED → built and visible;
// PUBLISHING → a pre-created document follows; anything else (DRAFT after a failed publication,
// RETIRED, deleted) → removed.
func actionFor(o domain.Offering) docAction {
	switch {
	case o.Deleted || o.Status == domain.StatusRetired || o.Status == domain.StatusDraft:
		return docRemove
	case o.Status == domain.StatusPublished:
		return docCreate
	default:
		return docFollow
	}
}

// rebuild re-builds document id from the replicas and brings the search index in line. create
// says whether a missing document is created (true) or left missing (false: only pre-created or
// published documents follow their sources).
func (p *Projector) rebuild(ctx context.Context, id string, create bool) error {
	unlock := p.locks.Lock(id)
	defer unlock()
	d, written, err := p.rebuildLocked(ctx, id, create, p.replicas)
	if err != nil || !written {
		return err
	}
	return p.syncIndex(ctx, d)
}

// rebuildLocked writes the re-built document (the caller holds its lock) and returns it with
// its new revision; written is false when a missing document was left missing.
func (p *Projector) rebuildLocked(ctx context.Context, id string, create bool, sources sourceReader) (d domain.Document, written bool, err error) {
	for range maxConflictRetries {
		expected, err := p.docs.Revision(ctx, id)
		switch {
		case errors.Is(err, domain.ErrNotFound):
			if !create {
				return domain.Document{}, false, nil
			}
		case err != nil:
			return domain.Document{}, false, fmt.Errorf("load document %s revision: %w", id, err)
		}
		d, err := p.build(ctx, id, sources)
		if err != nil {
			return domain.Document{}, false, err
		}
		err = p.docs.Put(ctx, d, expected)
		if errors.Is(err, ErrRevisionConflict) {
			continue
		}
		if err != nil {
			return domain.Document{}, false, fmt.Errorf("write document %s: %w", id, err)
		}
		d.Revision = expected + 1
		return d, true, nil
	}
	return domain.Document{}, false, fmt.Errorf("write document %s: %w after %d attempts", id, ErrRevisionConflict, maxConflictRetries)
}

// sourceReader loads a document's sources; a batch reads each shared one once (sourceCache).
type sourceReader interface {
	Sources(ctx context.Context, specIDs, priceIDs []string) (domain.Sources, error)
}

// build loads the offering replica and its sources and builds the document.
func (p *Projector) build(ctx context.Context, id string, sources sourceReader) (domain.Document, error) {
	o, err := p.replicas.Offering(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Document{}, &domain.MissingReplicaError{Kind: domain.KindOffering, ID: id}
	}
	if err != nil {
		return domain.Document{}, fmt.Errorf("load offering %s: %w", id, err)
	}
	if o.Deleted {
		return domain.Document{}, &domain.MissingReplicaError{Kind: domain.KindOffering, ID: id}
	}
	src, err := sources.Sources(ctx, o.SpecificationIDs, o.PricingIDs)
	if err != nil {
		return domain.Document{}, fmt.Errorf("load sources of offering %s: %w", id, err)
	}
	d, err := domain.Build(o, src)
	if err != nil {
		return domain.Document{}, fmt.Errorf("build document %s: %w", id, err)
	}
	return d, nil
}

// syncIndex brings the search index in line with freshly written documents and waits until
// the index has them on disk (see stageIndex).
func (p *Projector) syncIndex(ctx context.Context, docs ...domain.Document) error {
	durable, err := p.stageIndex(ctx, docs...)
	if err != nil {
		return err
	}
	return durable(ctx)
}

// stageIndex brings the search index in line with freshly written documents, in one write per
// kind (index the visible, remove the hidden). They are searchable when it returns; the
// returned func waits until the index has them on disk. What the index refuses is queued for
// the IndexSyncer; only when that fails too is an error returned, so the caller's event or saga
// job is tried again (it re-builds and re-indexes the documents).
func (p *Projector) stageIndex(ctx context.Context, docs ...domain.Document) (func(context.Context) error, error) {
	visible, hidden := byVisibility(docs)
	var deferred []domain.Document
	var waits []func(context.Context) error
	if len(visible) > 0 {
		if durable, err := p.indexStaged(ctx, visible); err != nil {
			p.log.WarnContext(ctx, "search index update deferred", "documents", len(visible), "error", err.Error())
			deferred = append(deferred, visible...)
		} else {
			waits = append(waits, durable)
		}
	}
	if len(hidden) > 0 {
		if durable, err := p.removeStaged(ctx, hidden); err != nil {
			p.log.WarnContext(ctx, "search index removal deferred", "documents", len(hidden), "error", err.Error())
			for _, d := range docs {
				if !d.Visible {
					deferred = append(deferred, d)
				}
			}
		} else {
			waits = append(waits, durable)
		}
	}
	if len(deferred) > 0 {
		if err := p.queue.Defer(ctx, deferred...); err != nil {
			return nil, fmt.Errorf("queue %d documents for the search index: %w", len(deferred), err)
		}
	}
	return func(ctx context.Context) error {
		var errs []error
		for _, wait := range waits {
			errs = append(errs, wait(ctx))
		}
		return errors.Join(errs...)
	}, nil
}

// indexStaged and removeStaged write through StagedIndex where the engine has it; any other
// engine is durable once its write returns.
func (p *Projector) indexStaged(ctx context.Context, docs []domain.Document) (func(context.Context) error, error) {
	if s, ok := p.index.(StagedIndex); ok {
		return s.IndexStaged(ctx, docs...)
	}
	return durableNow, p.index.Index(ctx, docs...)
}

func (p *Projector) removeStaged(ctx context.Context, ids []string) (func(context.Context) error, error) {
	if s, ok := p.index.(StagedIndex); ok {
		return s.RemoveStaged(ctx, ids...)
	}
	return durableNow, p.index.Remove(ctx, ids...)
}

func durableNow(context.Context) error { return nil }

// byVisibility splits documents into those the index shows and the ids it must drop.
func byVisibility(docs []domain.Document) (visible []domain.Document, hidden []string) {
	for _, d := range docs {
		if d.Visible {
			visible = append(visible, d)
		} else {
			hidden = append(hidden, d.ID)
		}
	}
	return visible, hidden
}

// remove deletes the document from the search index, then from the store (so once the store
// no longer has it, search does not either). A failed index removal is queued for the syncer.
func (p *Projector) remove(ctx context.Context, id string) error {
	unlock := p.locks.Lock(id)
	defer unlock()
	return p.removeLocked(ctx, id)
}

// removeLocked is remove for a caller that holds the document's lock.
func (p *Projector) removeLocked(ctx context.Context, id string) error {
	if err := p.index.Remove(ctx, id); err != nil {
		p.log.WarnContext(ctx, "search index removal deferred", "offering_id", id, "error", err.Error())
		if err := p.queue.AddRemoval(ctx, id); err != nil {
			return fmt.Errorf("queue index removal of %s: %w", id, err)
		}
	}
	if _, err := p.docs.Delete(ctx, id); err != nil {
		return fmt.Errorf("delete document %s: %w", id, err)
	}
	return nil
}
