package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/tmfcatalog/platform/libs/messaging"
	"github.com/tmfcatalog/platform/libs/outbox"
)

// latencyResult is the commit→consume distribution of the latency phase.
type latencyResult struct {
	target, achieved float64 // events/s
	samples          int
	p50, p99, max    time.Duration
	// claim: commit → the relay's claiming transaction began (published_at), the relay's pickup delay.
	claimP50, claimP99 time.Duration
}

// latency commits one event per transaction at the target rate (spread over producer workers),
// runs one relay and a real messaging.Consumer, and measures handler time minus commit time.
func (b *bench) latency(ctx context.Context) (latencyResult, error) {
	if _, err := b.pool.Exec(ctx, `TRUNCATE outbox`); err != nil {
		return latencyResult{}, err
	}
	var (
		mu        sync.Mutex
		committed = map[string]time.Time{}
		received  = map[string]time.Time{}
		allIn     = make(chan struct{})
		expected  = -1
	)
	handler := func(_ context.Context, e messaging.Envelope) error {
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		if _, dup := received[e.EventID]; !dup {
			received[e.EventID] = now
		}
		if expected >= 0 && len(received) >= expected {
			select {
			case <-allIn:
			default:
				close(allIn)
			}
		}
		return nil
	}
	cctx, stopConsumer := context.WithCancel(ctx)
	defer stopConsumer()
	consumer := messaging.NewConsumer(b.conn, messaging.ConsumerConfig{
		Group: benchGroup, Bindings: map[string][]string{benchTopic: {"#"}}, Topology: b.topo,
		Concurrency: 4, Prefetch: 64, LagInterval: -1,
	}, handler, b.log)
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { _ = consumer.Run(cctx) })
	if err := b.waitForQueue(ctx); err != nil {
		return latencyResult{}, err
	}
	rctx, stopRelay := context.WithCancel(ctx)
	defer stopRelay()
	relay := outbox.NewRelay(b.pool, b.conn, b.relayConfig(), b.log)
	wg.Go(func() { _ = relay.Run(rctx) })

	// Producers: a shared ticket channel paces commits at the target rate.
	total := int(float64(b.o.rate) * b.o.duration.Seconds())
	tickets := make(chan int, b.o.producers)
	var perr error
	var pmu sync.Mutex
	var producers sync.WaitGroup
	for range b.o.producers {
		producers.Go(func() {
			for i := range tickets {
				id := uuid.NewString()
				err := pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
					return outbox.Add(ctx, tx, outbox.Event{Topic: benchTopic, EventType: "CharacteristicUpdated",
						EntityID: fmt.Sprintf("char-%d", i%100), EntityVersion: int64(i + 1), EventID: id, Payload: b.payload})
				})
				at := time.Now()
				if err != nil {
					pmu.Lock()
					perr = errors.Join(perr, err)
					pmu.Unlock()
					continue
				}
				mu.Lock()
				committed[id] = at
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	interval := time.Second / time.Duration(b.o.rate)
	for i := range total {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		select {
		case tickets <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(tickets)
	producers.Wait()
	elapsed := time.Since(start)
	if perr != nil {
		return latencyResult{}, fmt.Errorf("producers: %w", perr)
	}
	mu.Lock()
	expected = len(committed)
	if len(received) >= expected {
		close(allIn)
	}
	mu.Unlock()
	select {
	case <-allIn:
	case <-ctx.Done():
		return latencyResult{}, fmt.Errorf("waiting for consumers: %w", ctx.Err())
	}
	claimed := map[string]time.Time{}
	rows, err := b.pool.Query(ctx, `SELECT event_id::text, published_at FROM outbox WHERE published_at IS NOT NULL`)
	if err != nil {
		return latencyResult{}, err
	}
	for rows.Next() {
		var id string
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return latencyResult{}, err
		}
		claimed[id] = at
	}
	rows.Close()
	mu.Lock()
	defer mu.Unlock()
	var claims []time.Duration
	for id, c := range committed {
		if at, ok := claimed[id]; ok {
			claims = append(claims, max(at.Sub(c), 0))
		}
	}
	slices.Sort(claims)
	lat := make([]time.Duration, 0, len(committed))
	for id, c := range committed {
		lat = append(lat, max(received[id].Sub(c), 0))
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(int(p*float64(len(lat))), len(lat)-1)] }
	return latencyResult{
		target: float64(b.o.rate), achieved: float64(len(committed)) / elapsed.Seconds(), samples: len(lat),
		p50: pct(0.50), p99: pct(0.99), max: lat[len(lat)-1],
		claimP50: percentile(claims, 0.50), claimP99: percentile(claims, 0.99),
	}, nil
}

func (b *bench) waitForQueue(ctx context.Context) error {
	ch, err := b.conn.Channel(ctx)
	if err != nil {
		return err
	}
	defer ch.Close()
	for {
		if q, err := ch.QueueDeclarePassive(b.topo.Queue(benchGroup), true, false, false, false, nil); err == nil && q.Consumers > 0 {
			return nil
		}
		if ch.IsClosed() {
			if ch, err = b.conn.Channel(ctx); err != nil {
				return err
			}
		}
		if err := messaging.Sleep(ctx, 10*time.Millisecond); err != nil {
			return err
		}
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(int(p*float64(len(sorted))), len(sorted)-1)]
}
