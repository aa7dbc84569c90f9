// Package relaybench measures ways of getting committed events from PostgreSQL to RabbitMQ
// with one harness, so their numbers compare: our outbox relay (libs/outbox), the ceiling of
// publishing the same payloads straight to the broker with confirms, and Watermill's SQL →
// AMQP forwarder. Every contender's messages are counted by the same raw AMQP consumer.
package relaybench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/tmfcatalog/platform/bench/internal/stats"
)

// Contender is one way of relaying. Backlog commits n events (numbered from first) without
// relaying them; Start begins relaying (it returns once the relay runs); Send commits or
// publishes one event and returns the moment it is committed; Stop ends relaying.
type Contender interface {
	Name() string
	// Exchange and Kind name the exchange the consumer binds to ("topic" or "fanout").
	Exchange() (name, kind string)
	Backlog(ctx context.Context, first, n int) error
	Start(ctx context.Context) error
	Send(ctx context.Context, seq int) (time.Time, error)
	Stop()
}

// Payload is the JSON body of event seq: shaped like a catalog entity, about 450 bytes.
func Payload(seq int) []byte {
	b, _ := json.Marshal(map[string]any{
		"bench_seq": seq, "id": fmt.Sprintf("00000000-0000-4000-8000-%012d", seq),
		"name":        "Download speed " + strconv.Itoa(seq),
		"description": strings.Repeat("A characteristic used by fibre offerings. ", 6),
		"value":       "100", "unit_of_measure": "Mbps", "version": 1,
		"created_at": "2026-11-30T08:00:00Z", "updated_at": "2026-11-30T08:00:00Z",
	})
	return b
}

// SeqOf finds "bench_seq": N in a message body (an envelope with the payload inside, or the
// payload itself; PostgreSQL's jsonb puts a space after the colon). It returns -1 if absent.
func SeqOf(body []byte) int {
	i := bytes.Index(body, []byte(`"bench_seq":`))
	if i < 0 {
		return -1
	}
	j := i + len(`"bench_seq":`)
	for j < len(body) && body[j] == ' ' {
		j++
	}
	n, k := 0, j
	for k < len(body) && body[k] >= '0' && body[k] <= '9' {
		n = n*10 + int(body[k]-'0')
		k++
	}
	if k == j {
		return -1
	}
	return n
}

// Consumer records when each numbered event first arrives.
type Consumer struct {
	arrived []atomic.Int64 // unix nanos, 0 = not yet
	count   atomic.Int64
	dups    atomic.Int64
	ch      *amqp.Channel
	done    chan struct{}
}

// Consume binds a fresh exclusive queue to the exchange and records arrivals of events
// 0..capacity-1 until Close.
func Consume(conn *amqp.Connection, exchange, kind string, capacity int) (*Consumer, error) {
	ch, err := conn.Channel()
	if err != nil {
		return nil, err
	}
	if err := ch.ExchangeDeclare(exchange, kind, true, false, false, false, nil); err != nil {
		return nil, fmt.Errorf("declare %s: %w", exchange, err)
	}
	q, err := ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		return nil, err
	}
	key := "#"
	if kind == amqp.ExchangeFanout {
		key = ""
	}
	if err := ch.QueueBind(q.Name, key, exchange, false, nil); err != nil {
		return nil, err
	}
	deliveries, err := ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		return nil, err
	}
	c := &Consumer{arrived: make([]atomic.Int64, capacity), ch: ch, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for d := range deliveries {
			now := time.Now().UnixNano()
			seq := SeqOf(d.Body)
			if seq < 0 || seq >= capacity {
				continue
			}
			if c.arrived[seq].CompareAndSwap(0, now) {
				c.count.Add(1)
			} else {
				c.dups.Add(1)
			}
		}
	}()
	return c, nil
}

// Close stops consuming.
func (c *Consumer) Close() {
	_ = c.ch.Close()
	<-c.done
}

// WaitRange waits until every event in [first, first+n) arrived or the deadline passes; it
// returns the arrival time of the last one.
func (c *Consumer) WaitRange(ctx context.Context, first, n int, timeout time.Duration) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	for {
		missing, last := 0, int64(0)
		for i := first; i < first+n; i++ {
			v := c.arrived[i].Load()
			if v == 0 {
				missing++
			}
			last = max(last, v)
		}
		if missing == 0 {
			return time.Unix(0, last), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("%d of %d events not consumed after %s", missing, n, timeout)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Arrival returns when event seq arrived (zero if not).
func (c *Consumer) Arrival(seq int) time.Time {
	v := c.arrived[seq].Load()
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v)
}

// Duplicates counts redeliveries seen.
func (c *Consumer) Duplicates() int64 { return c.dups.Load() }

// Result is one contender's numbers.
type Result struct {
	Name       string
	Throughput float64 // events/s draining the backlog, first relay start → last consumed
	Latency    stats.Summary
	LatRate    float64
	Duplicates int64
	Err        error
}

// Plan sizes a run.
type Plan struct {
	Backlog     int           // events committed before relaying starts
	LatencyRate float64       // events/s committed one per transaction during the latency phase
	LatencyFor  time.Duration // length of the latency phase
	Timeout     time.Duration // per phase
	// OnDrain, when set, is called as relaying starts; the function it returns is called once
	// the backlog is consumed (the benchmark profiles the drain with it).
	OnDrain func() func()
}

// Run measures one contender: backlog drain throughput, then commit → consume latency at a
// fixed rate with the relay running.
func Run(ctx context.Context, amqpURL string, c Contender, p Plan) Result {
	res := Result{Name: c.Name(), LatRate: p.LatencyRate}
	latN := int(p.LatencyRate * p.LatencyFor.Seconds())
	conn, err := amqp.Dial(amqpURL)
	if err != nil {
		res.Err = err
		return res
	}
	defer conn.Close()
	ex, kind := c.Exchange()
	cons, err := Consume(conn, ex, kind, p.Backlog+latN)
	if err != nil {
		res.Err = err
		return res
	}
	defer cons.Close()
	if err := c.Backlog(ctx, 0, p.Backlog); err != nil {
		res.Err = fmt.Errorf("backlog: %w", err)
		return res
	}
	stopHook := func() {}
	if p.OnDrain != nil {
		stopHook = p.OnDrain()
	}
	start := time.Now()
	if err := c.Start(ctx); err != nil {
		stopHook()
		res.Err = fmt.Errorf("start: %w", err)
		return res
	}
	defer c.Stop()
	last, err := cons.WaitRange(ctx, 0, p.Backlog, p.Timeout)
	stopHook()
	if err != nil {
		res.Err = fmt.Errorf("drain: %w", err)
		return res
	}
	res.Throughput = float64(p.Backlog) / last.Sub(start).Seconds()

	committed := make([]time.Time, latN)
	var mu sync.Mutex
	var sendErr error
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / p.LatencyRate)
	t0 := time.Now()
	for i := range latN {
		if w := time.Until(t0.Add(time.Duration(i) * interval)); w > 0 {
			time.Sleep(w)
		}
		seq := p.Backlog + i
		wg.Go(func() {
			at, err := c.Send(ctx, seq)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				sendErr = err
				return
			}
			committed[i] = at
		})
	}
	wg.Wait()
	if sendErr != nil {
		res.Err = fmt.Errorf("send: %w", sendErr)
		return res
	}
	if _, err := cons.WaitRange(ctx, p.Backlog, latN, p.Timeout); err != nil {
		res.Err = fmt.Errorf("latency phase: %w", err)
		return res
	}
	lat := make([]time.Duration, 0, latN)
	for i := range latN {
		lat = append(lat, max(cons.Arrival(p.Backlog+i).Sub(committed[i]), 0))
	}
	res.Latency = stats.Summarize(lat)
	res.Duplicates = cons.Duplicates()
	return res
}
