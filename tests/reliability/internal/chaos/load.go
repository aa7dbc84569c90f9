// Package chaos drives a steady load of catalog writes and publications through the gateway
// while one fault is injected, then checks that nothing acknowledged was lost.
package chaos

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tmfcatalog/platform/tests/reliability/internal/api"
)

// offeringRec is an acknowledged offering with what it references.
type offeringRec struct {
	ID       string
	SpecIDs  []string
	PriceIDs []string
}

// Ledger records every request sent and every write the platform acknowledged (2xx).
type Ledger struct {
	sent, acked atomic.Int64

	mu        sync.Mutex
	chars     []string
	specs     []string
	prices    []string
	offerings []offeringRec
	published []string // offerings whose publish answered 202
	// uncertain are offerings whose publish never answered 202 but at least once got no answer
	// or a 5xx: the saga may have started before the answer was lost (a killed process), so
	// either final state is correct for them.
	uncertain []string
}

// Sent is the number of requests sent.
func (l *Ledger) Sent() int { return int(l.sent.Load()) }

// Acked is the number of 2xx answers.
func (l *Ledger) Acked() int { return int(l.acked.Load()) }

func (l *Ledger) snapshot() (chars, specs, prices []string, offs []offeringRec, published []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.chars...), append([]string(nil), l.specs...), append([]string(nil), l.prices...),
		append([]offeringRec(nil), l.offerings...), append([]string(nil), l.published...)
}

// uncertainPublications returns the offerings whose publish outcome the client never learned.
func (l *Ledger) uncertainPublications() map[string]bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]bool, len(l.uncertain))
	for _, id := range l.uncertain {
		out[id] = true
	}
	return out
}

// send performs one request and counts it; ok reports a 2xx whose body decoded into out.
func (l *Ledger) send(ctx context.Context, c *api.Client, method, path string, body, out any) (api.Response, bool) {
	l.sent.Add(1)
	r, err := c.JSON(ctx, method, path, body)
	if err != nil || !r.OK() {
		return r, false
	}
	l.acked.Add(1)
	if out != nil {
		if err := r.Decode(out); err != nil {
			return r, false
		}
	}
	return r, true
}

type idBody struct {
	ID string `json:"id"`
}

var seq atomic.Int64

func unique(prefix string) string {
	return fmt.Sprintf("%s %d-%d", prefix, time.Now().UnixNano()%1_000_000_000, seq.Add(1))
}

// cycle builds one offering bottom-up and asks for its publication. It stops at the first
// refused step and reports whether every step was acknowledged.
func cycle(ctx context.Context, c *api.Client, l *Ledger, label string) bool {
	var ch, sp, pr, of idBody
	if _, ok := l.send(ctx, c, http.MethodPost, "/api/v1/characteristics",
		map[string]any{"name": unique(label + " speed"), "value": "100", "unit_of_measure": "Mbps"}, &ch); !ok {
		return false
	}
	l.mu.Lock()
	l.chars = append(l.chars, ch.ID)
	l.mu.Unlock()
	// The specification service learns of the characteristic through its event; until then it
	// may refuse the reference, so retry for a bounded time.
	if !retry(ctx, 15*time.Second, func() (api.Response, bool) {
		return l.send(ctx, c, http.MethodPost, "/api/v1/specifications",
			map[string]any{"name": unique(label + " spec"), "characteristic_ids": []string{ch.ID}}, &sp)
	}) {
		return false
	}
	l.mu.Lock()
	l.specs = append(l.specs, sp.ID)
	l.mu.Unlock()
	if _, ok := l.send(ctx, c, http.MethodPost, "/api/v1/prices",
		map[string]any{"name": unique(label + " price"), "value": "19.90", "unit": "month", "currency": "EUR"}, &pr); !ok {
		return false
	}
	l.mu.Lock()
	l.prices = append(l.prices, pr.ID)
	l.mu.Unlock()
	if _, ok := l.send(ctx, c, http.MethodPost, "/api/v1/offerings", map[string]any{
		"name": unique(label + " offer"), "description": "reliability load",
		"specification_ids": []string{sp.ID}, "pricing_ids": []string{pr.ID}, "sales_channels": []string{"online"},
	}, &of); !ok {
		return false
	}
	l.mu.Lock()
	l.offerings = append(l.offerings, offeringRec{ID: of.ID, SpecIDs: []string{sp.ID}, PriceIDs: []string{pr.ID}})
	l.mu.Unlock()
	// The offering service checks its replicas of prices and specifications: 400 until the
	// events arrived.
	maybeStarted := false
	if !retry(ctx, 15*time.Second, func() (api.Response, bool) {
		r, ok := l.send(ctx, c, http.MethodPost, "/api/v1/offerings/"+of.ID+"/publish", nil, nil)
		if !ok && (r.Status == 0 || r.Status >= 500) {
			maybeStarted = true
		}
		return r, ok
	}) {
		if maybeStarted {
			l.mu.Lock()
			l.uncertain = append(l.uncertain, of.ID)
			l.mu.Unlock()
		}
		return false
	}
	l.mu.Lock()
	l.published = append(l.published, of.ID)
	l.mu.Unlock()
	return true
}

// retry calls f until it succeeds, a non-retryable answer arrives (a 4xx other than 400, 404,
// 409, 422 and 429) or the budget is spent.
func retry(ctx context.Context, budget time.Duration, f func() (api.Response, bool)) bool {
	deadline := time.Now().Add(budget)
	for {
		r, ok := f()
		if ok {
			return true
		}
		if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden {
			return false
		}
		if time.Now().After(deadline) || !pause(ctx, 250*time.Millisecond) {
			return false
		}
	}
}

// pause waits d or until ctx ends; it reports whether ctx is still alive.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// load runs workers goroutines of cycles until ctx ends; the returned function waits for them.
func load(ctx context.Context, c *api.Client, l *Ledger, workers int, label string) (wait func()) {
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if !cycle(ctx, c, l, fmt.Sprintf("%s w%d", label, i)) {
					pause(ctx, 100*time.Millisecond)
				}
			}
		}()
	}
	return wg.Wait
}
