// Package engine runs BPMN process instances with their state in PostgreSQL: it deploys
// definitions, advances tokens through the supported elements, hands out jobs to workers,
// fires timers and raises incidents. Every state change happens in one transaction that
// first locks the process instance row, so several requests (and several engine replicas)
// can work on the same database safely.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/engine/internal/model"
)

// Errors the engine returns; the adapters map them to gRPC and HTTP statuses.
var (
	// ErrNotFound means the key names nothing (or nothing in the expected state family).
	ErrNotFound = errors.New("not found")
	// ErrInvalidState means the entity exists but the command does not apply to its state.
	ErrInvalidState = errors.New("invalid state")
	// ErrInvalidArgument means the request itself is malformed.
	ErrInvalidArgument = errors.New("invalid argument")
)

// Options tune an Engine.
type Options struct {
	// TimerPollMax bounds how long the timer loop sleeps without looking at the database
	// (covers timers created by other replicas). Default 5s.
	TimerPollMax time.Duration
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// HistoryRetention is how long ended instances are kept; 0 keeps them forever.
	HistoryRetention time.Duration
}

// Engine is the process engine. Create it with New and run its background loop with Run.
type Engine struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	opts Options

	jobSignals *broadcaster // per job type: jobs may be available
	timerWake  chan struct{}
	results    *broadcaster // per instance key: the instance ended

	defMu sync.RWMutex
	defs  map[int64]*model.Definition

	listening     chan struct{}
	listeningOnce sync.Once
}

// New returns an engine on pool.
func New(pool *pgxpool.Pool, log *slog.Logger, opts Options) *Engine {
	if opts.TimerPollMax <= 0 {
		opts.TimerPollMax = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Engine{
		pool:       pool,
		log:        log,
		opts:       opts,
		jobSignals: newBroadcaster(),
		timerWake:  make(chan struct{}, 1),
		results:    newBroadcaster(),
		defs:       map[int64]*model.Definition{},
		listening:  make(chan struct{}),
	}
}

// Run runs the timer loop and the listener for other replicas' notifications until ctx is
// done.
func (e *Engine) Run(ctx context.Context) error {
	e.refreshIncidentGauge(ctx)
	var wg sync.WaitGroup
	var listenErr error
	wg.Go(func() { listenErr = e.listen(ctx) })
	wg.Go(func() { e.retentionLoop(ctx) })
	err := e.timerLoop(ctx)
	wg.Wait()
	return errors.Join(err, listenErr)
}

// definition returns the parsed process of a deployed definition (cached).
func (e *Engine) definition(ctx context.Context, q querier, key int64) (*model.Definition, error) {
	e.defMu.RLock()
	d := e.defs[key]
	e.defMu.RUnlock()
	if d != nil {
		return d, nil
	}
	var xml, processID string
	err := q.QueryRow(ctx, `SELECT xml, bpmn_process_id FROM process_definitions WHERE key = $1`, key).Scan(&xml, &processID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("process definition %d: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load process definition %d: %w", key, err)
	}
	defs, err := model.Parse([]byte(xml))
	if err != nil {
		return nil, fmt.Errorf("parse stored process definition %d: %w", key, err)
	}
	for _, cand := range defs {
		if cand.ID == processID {
			d = cand
		}
	}
	if d == nil {
		return nil, fmt.Errorf("stored definition %d lacks process %q", key, processID)
	}
	e.defMu.Lock()
	e.defs[key] = d
	e.defMu.Unlock()
	return d, nil
}

// querier is what both pgx.Tx and the pool offer for reads.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// broadcaster wakes every waiter of a topic; a waiter takes the channel before it checks the
// database, so no wake-up is lost.
type broadcaster struct {
	mu sync.Mutex
	ch map[any]chan struct{}
}

func newBroadcaster() *broadcaster { return &broadcaster{ch: map[any]chan struct{}{}} }

func (b *broadcaster) wait(topic any) <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.ch[topic]
	if !ok {
		c = make(chan struct{})
		b.ch[topic] = c
	}
	return c
}

func (b *broadcaster) notify(topic any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.ch[topic]; ok {
		close(c)
		delete(b.ch, topic)
	}
}

// effects collects what a committed transaction must announce.
type effects struct {
	jobTypes         map[string]bool
	timersChanged    bool
	incidentsChanged bool
	ended            []endedInstance
	completedJobs    []string
	failedJobs       []string
}

type endedInstance struct {
	key      int64
	process  string
	outcome  string
	duration time.Duration
}

func (f *effects) job(jobType string) {
	if f.jobTypes == nil {
		f.jobTypes = map[string]bool{}
	}
	f.jobTypes[jobType] = true
}

// publish runs after commit.
func (e *Engine) publish(ctx context.Context, f *effects) {
	for t := range f.jobTypes {
		e.jobSignals.notify(t)
	}
	if f.timersChanged {
		select {
		case e.timerWake <- struct{}{}:
		default:
		}
	}
	for _, t := range f.completedJobs {
		jobsCompleted.WithLabelValues(t).Inc()
	}
	for _, t := range f.failedJobs {
		jobsFailed.WithLabelValues(t).Inc()
	}
	for _, x := range f.ended {
		instancesEnded.WithLabelValues(x.process, x.outcome).Inc()
		instanceDuration.WithLabelValues(x.process, x.outcome).Observe(x.duration.Seconds())
		e.results.notify(x.key)
	}
	if f.incidentsChanged {
		e.refreshIncidentGauge(ctx)
	}
}

// inTx runs fn in a transaction and publishes its effects after commit.
func (e *Engine) inTx(ctx context.Context, fn func(tx pgx.Tx, fx *effects) error) error {
	fx := &effects{}
	err := pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error { return fn(tx, fx) })
	if err != nil {
		return err
	}
	e.publish(ctx, fx)
	return nil
}

func (e *Engine) refreshIncidentGauge(ctx context.Context) {
	var n int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM incidents WHERE state = 'ACTIVE'`).Scan(&n); err != nil {
		if ctx.Err() == nil {
			e.log.WarnContext(ctx, "count incidents", "error", err)
		}
		return
	}
	incidentsActive.Set(float64(n))
}
