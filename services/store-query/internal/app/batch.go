package app

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Batcher applies events in batches. Under load the consumer hands it many events at once;
// the batch keeps only the newest version of each entity, re-builds every affected document
// once and indexes the lot in one search engine write, instead of re-building a document per
// event. A lone event is a batch of one, applied at once. Each caller gets the outcome of its
// own event: a failing entity or document fails only the events that led to it.
type Batcher struct {
	p       *Projector
	in      chan batchRequest
	max     int
	stopped chan struct{} // closed when Run returns
}

// ErrBatcherStopped is returned for an event handed over after the batcher stopped (during
// shutdown); the event is not acknowledged and will be delivered again.
var ErrBatcherStopped = errors.New("store event batcher stopped")

type batchRequest struct {
	ctx  context.Context
	c    change
	done chan batchResult
}

// batchResult is one event's outcome: its error, or, when it succeeded, the wait until the
// search index has the batch on disk (the event is acknowledged only after it).
type batchResult struct {
	err     error
	durable func(context.Context) error
}

// change is one decoded event.
type change struct {
	kind     domain.EntityKind
	id       string
	version  int64
	deleted  bool
	offering domain.Offering // for KindOffering
	upsert   func(ctx context.Context) (Outcome, error)
}

func (c change) key() string { return string(c.kind) + "/" + c.id }

// NewBatcher wires a batcher that applies at most max events per batch.
func NewBatcher(p *Projector, max int) *Batcher {
	if max <= 0 {
		max = 64
	}
	return &Batcher{p: p, in: make(chan batchRequest), max: max, stopped: make(chan struct{})}
}

// Run applies batches until ctx is done. The batch takes every event already waiting when the
// previous one finishes, so its size follows the load. The batch under way when ctx ends is
// finished; events handed over later get ErrBatcherStopped.
func (b *Batcher) Run(ctx context.Context) error {
	defer close(b.stopped)
	for {
		var first batchRequest
		select {
		case <-ctx.Done():
			return nil
		case first = <-b.in:
		}
		batch := []batchRequest{first}
		// The events of a burst arrive together: the consumer goroutines holding the others
		// are runnable now, and letting them run first puts their events into this batch.
		runtime.Gosched()
	fill:
		for len(batch) < b.max {
			select {
			case r := <-b.in:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		changes := make([]change, len(batch))
		for i, r := range batch {
			changes[i] = r.c
		}
		// The first event's context carries its trace, so a lone event's store work stays
		// in its own trace.
		// The next batch starts while this one's index write goes to disk; its events wait
		// for that in their own goroutines (submit).
		errs, durable := b.p.applyBatch(first.ctx, changes)
		for i, r := range batch {
			r.done <- batchResult{err: errs[i], durable: durable}
		}
	}
}

func (b *Batcher) submit(ctx context.Context, c change) error {
	r := batchRequest{ctx: ctx, c: c, done: make(chan batchResult, 1)}
	select {
	case b.in <- r:
	case <-b.stopped:
		return ErrBatcherStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case res := <-r.done:
		if res.err != nil {
			return res.err
		}
		return res.durable(ctx)
	case <-ctx.Done():
		return ctx.Err() // the event is redelivered; applying it twice is harmless
	}
}

// ApplyCharacteristic queues a characteristic change and waits for its batch.
func (b *Batcher) ApplyCharacteristic(ctx context.Context, c domain.Characteristic) error {
	return b.submit(ctx, change{kind: domain.KindCharacteristic, id: c.ID, version: c.Version, deleted: c.Deleted,
		upsert: func(ctx context.Context) (Outcome, error) { return b.p.replicas.UpsertCharacteristic(ctx, c) }})
}

// ApplySpecification queues a specification change and waits for its batch.
func (b *Batcher) ApplySpecification(ctx context.Context, s domain.Specification) error {
	return b.submit(ctx, change{kind: domain.KindSpecification, id: s.ID, version: s.Version, deleted: s.Deleted,
		upsert: func(ctx context.Context) (Outcome, error) { return b.p.replicas.UpsertSpecification(ctx, s) }})
}

// ApplyPrice queues a price change and waits for its batch.
func (b *Batcher) ApplyPrice(ctx context.Context, pr domain.Price) error {
	return b.submit(ctx, change{kind: domain.KindPrice, id: pr.ID, version: pr.Version, deleted: pr.Deleted,
		upsert: func(ctx context.Context) (Outcome, error) { return b.p.replicas.UpsertPrice(ctx, pr) }})
}

// ApplyOffering queues an offering change and waits for its batch.
func (b *Batcher) ApplyOffering(ctx context.Context, o domain.Offering) error {
	return b.submit(ctx, change{kind: domain.KindOffering, id: o.ID, version: o.Version, deleted: o.Deleted, offering: o,
		upsert: func(ctx context.Context) (Outcome, error) { return b.p.replicas.UpsertOffering(ctx, o) }})
}

// applyBatch applies changes and returns each one's error, and the wait until the search
// index has the batch on disk. Only the newest version of each entity is written: the older
// ones would be stale after it anyway.
func (p *Projector) applyBatch(ctx context.Context, changes []change) ([]error, func(context.Context) error) {
	newest := map[string]int{}
	var order []string
	for i, c := range changes {
		j, seen := newest[c.key()]
		if !seen {
			order = append(order, c.key())
		}
		if !seen || c.version > changes[j].version {
			newest[c.key()] = i
		}
	}
	failed := map[string]error{}      // entity key → error
	actions := map[string]docAction{} // document id → what to do
	causes := map[string][]string{}   // document id → entity keys that led to it
	outs, errs := p.upsertAll(ctx, changes, newest, order)
	for i, k := range order {
		c := changes[newest[k]]
		out, err := outs[i], errs[i]
		if err != nil {
			failed[k] = fmt.Errorf("store %s %s v%d: %w", c.kind, c.id, c.version, err)
			continue
		}
		if out == Stale {
			continue
		}
		if c.kind == domain.KindOffering {
			actions[c.id] = actionFor(c.offering) // the offering's own state decides over its sources'
			causes[c.id] = append(causes[c.id], k)
			continue
		}
		if c.deleted {
			continue // the write services refuse to delete what an offering uses
		}
		ids, err := p.docs.IDsUsing(ctx, c.kind, c.id)
		if err != nil {
			failed[k] = fmt.Errorf("find documents using %s %s: %w", c.kind, c.id, err)
			continue
		}
		for _, id := range ids {
			if _, set := actions[id]; !set {
				actions[id] = docFollow
			}
			causes[id] = append(causes[id], k)
		}
	}
	docErrs, durable := p.applyDocs(ctx, actions)
	for id, err := range docErrs {
		for _, k := range causes[id] {
			failed[k] = errors.Join(failed[k], err)
		}
	}
	out := make([]error, len(changes))
	for i, c := range changes {
		out[i] = failed[c.key()]
	}
	return out, durable
}

// upsertAll writes the newest change of each entity (order lists their keys), several at once:
// the entities are independent, and on FerretDB concurrent writes share a command.
func (p *Projector) upsertAll(ctx context.Context, changes []change, newest map[string]int, order []string) ([]Outcome, []error) {
	outs := make([]Outcome, len(order))
	errs := make([]error, len(order))
	var g errgroup.Group
	g.SetLimit(rebuildParallelism)
	for i, k := range order {
		g.Go(func() error {
			outs[i], errs[i] = changes[newest[k]].upsert(ctx)
			return nil
		})
	}
	_ = g.Wait() // each entity's error is in errs
	return outs, errs
}

// applyDocs carries out the document actions under the documents' locks (taken in id order,
// so concurrent saga steps cannot deadlock with it) and writes the re-built documents to the
// search index in one call. It returns the errors per document id and the wait until the
// index has the documents on disk; the locks are released before that (the index applies
// writes in the order it receives them, so a later write of a document cannot be overtaken).
func (p *Projector) applyDocs(ctx context.Context, actions map[string]docAction) (map[string]error, func(context.Context) error) {
	ids := make([]string, 0, len(actions))
	for id := range actions {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	unlocks := make([]func(), 0, len(ids))
	for _, id := range ids {
		unlocks = append(unlocks, p.locks.Lock(id))
	}
	defer func() {
		for _, unlock := range unlocks {
			unlock()
		}
	}()
	var mu sync.Mutex
	failed := map[string]error{}
	var written []domain.Document
	// The replicas were all written before the documents are re-built, so within this batch a
	// specification, characteristic or price read once is read for every document using it.
	sources := newSourceCache(p.replicas)
	// A few documents at a time: each re-build is a chain of round trips to the store, and
	// overlapping them keeps both the store and this process busy.
	var g errgroup.Group
	g.SetLimit(rebuildParallelism)
	for _, id := range ids {
		g.Go(func() error {
			var err error
			var d domain.Document
			var ok bool
			if actions[id] == docRemove {
				err = p.removeLocked(ctx, id)
			} else {
				d, ok, err = p.rebuildLocked(ctx, id, actions[id] == docCreate, sources)
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				written = append(written, d)
			}
			if err != nil {
				failed[id] = err
			}
			return nil
		})
	}
	_ = g.Wait() // each document's error is in failed
	durable, err := p.stageIndex(ctx, written...)
	if err != nil {
		for _, d := range written {
			failed[d.ID] = errors.Join(failed[d.ID], err)
		}
		durable = durableNow
	}
	return failed, durable
}

// rebuildParallelism bounds the documents of a batch re-built at once. On FerretDB a re-build
// reads nothing and its writes join those of the other documents under way (the store
// combines concurrent writes), so the more run side by side, the fewer commands a batch sends
// (a batch of 10 price updates re-builds 20 documents at 200 updates/s in the benchmark).
const rebuildParallelism = 64

// sourceCache remembers the sources it loaded; it lives for one batch and is safe for
// concurrent use (two documents missing the same source may both load it: harmless).
type sourceCache struct {
	mu            sync.Mutex
	r             sourceReader
	got           domain.Sources
	specs, prices map[string]bool // asked for already (found or not)
}

func newSourceCache(r sourceReader) *sourceCache {
	return &sourceCache{r: r, got: domain.Sources{
		Specifications: map[string]domain.Specification{}, Characteristics: map[string]domain.Characteristic{},
		Prices: map[string]domain.Price{},
	}, specs: map[string]bool{}, prices: map[string]bool{}}
}

// Sources loads only what no earlier call asked for; the answer holds every source loaded so
// far (documents are built by id lookups, so the extra entries are harmless).
func (c *sourceCache) Sources(ctx context.Context, specIDs, priceIDs []string) (domain.Sources, error) {
	c.mu.Lock()
	var specs, prices []string
	for _, id := range specIDs {
		if !c.specs[id] {
			specs = append(specs, id)
		}
	}
	for _, id := range priceIDs {
		if !c.prices[id] {
			prices = append(prices, id)
		}
	}
	c.mu.Unlock()
	if len(specs) > 0 || len(prices) > 0 {
		src, err := c.r.Sources(ctx, specs, prices)
		if err != nil {
			return domain.Sources{}, err
		}
		c.mu.Lock()
		for _, id := range specs {
			c.specs[id] = true
		}
		for _, id := range prices {
			c.prices[id] = true
		}
		maps.Copy(c.got.Specifications, src.Specifications)
		maps.Copy(c.got.Characteristics, src.Characteristics)
		maps.Copy(c.got.Prices, src.Prices)
		c.mu.Unlock()
	}
	// A copy: the caller reads it while other documents add to the cache.
	c.mu.Lock()
	defer c.mu.Unlock()
	return domain.Sources{Specifications: maps.Clone(c.got.Specifications), Characteristics: maps.Clone(c.got.Characteristics),
		Prices: maps.Clone(c.got.Prices)}, nil
}
