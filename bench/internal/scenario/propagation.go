package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"sync"
	"time"

	pprofile "github.com/google/pprof/profile"
	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/tmfcatalog/platform/bench/internal/load"
	"github.com/tmfcatalog/platform/bench/internal/platform"
	"github.com/tmfcatalog/platform/bench/internal/report"
	"github.com/tmfcatalog/platform/bench/internal/stats"
	"github.com/tmfcatalog/platform/libs/messaging"
)

const (
	propPrices    = 20  // prices updated round-robin
	propPerPrice  = 2   // published offerings using each price
	propRate      = 200 // price updates per second
	propFor       = 5 * time.Second
	propLagGoal   = 100 * time.Millisecond
	propVersionUp = 1000 // injected versions start this far above the current one
)

// propPoll is how often the store is searched for the benchmark's documents (one request);
// BENCH_PROPAGATION_POLL overrides it.
var propPoll = pollInterval()

func pollInterval() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("BENCH_PROPAGATION_POLL")); err == nil && d > 0 {
		return d
	}
	return 20 * time.Millisecond
}

// Propagation measures price update → every store document using the price re-built, at 200
// updates/s. A price held by a published offering is frozen in the pricing service (423), so
// the updates are injected as PriceUpdated events on the pricing exchange, exactly as the
// pricing relay publishes them; the lag covers the store's consumer, projector, MongoDB
// (FerretDB here) and search index. Lag is seen by polling the store's documents.
func Propagation(ctx context.Context, env *Env) report.Section {
	start := time.Now()
	const name, title = "propagation", "Price propagation to the store"
	p := env.Platform
	client, err := env.adminClient(ctx, 32)
	if err != nil {
		return failed(name, title, start, err)
	}
	prices, offerings, err := publishedCatalog(ctx, client, p)
	if err != nil {
		return failed(name, title, start, err)
	}
	mc, err := mongo.Connect(ctx, options.Client().ApplyURI(p.MongoURI()))
	if err != nil {
		return failed(name, title, start, err)
	}
	defer mc.Disconnect(context.WithoutCancel(ctx))
	coll := mc.Database("store" + p.Suffix).Collection("store_offerings")
	base, err := waitDocuments(ctx, coll, offerings, prices)
	if err != nil {
		return failed(name, title, start, err)
	}
	conn, err := messaging.Dial(ctx, platform.AMQPURL, slog.New(slog.DiscardHandler))
	if err != nil {
		return failed(name, title, start, err)
	}
	defer conn.Close()
	pub := messaging.NewPublisher(conn, messaging.Topology{Namespace: p.Namespace})
	defer pub.Close()

	total := int(propRate * propFor.Seconds())
	sent := make([]time.Time, total)
	var mu sync.Mutex
	w := newPropWatcher(func(ctx context.Context) ([]priceVersions, error) { return searchVersions(ctx, client, offerings) }, offerings, prices)
	wctx, stopWatch := context.WithCancel(ctx)
	watchDone := make(chan struct{})
	go func() { defer close(watchDone); w.run(wctx) }()
	// 20 batches a second of propRate/20 updates, each batch published with pipelined confirms
	// (one confirmed publish at a time cannot reach 200/s on a loaded machine).
	const perBatch = propRate / 20
	cpu0 := cpuSnapshot(p.PIDs())
	phase := time.Now()
	var selfProf bytes.Buffer
	profiling := env.Profile && pprof.StartCPUProfile(&selfProf) == nil
	r := load.Open(ctx, 20, propFor, 8, 10*time.Second, func(ctx context.Context, b int64) error {
		msgs := make([]messaging.Message, 0, perBatch)
		now := time.Now()
		for j := range int64(perBatch) {
			i := b*perBatch + j
			k := int(i) % propPrices
			version := base[prices[k]] + propVersionUp + i/propPrices + 1
			env, err := priceEvent(prices[k], version)
			if err != nil {
				return err
			}
			mu.Lock()
			sent[i] = now
			mu.Unlock()
			w.expect(k, version, int(i))
			msgs = append(msgs, messaging.Message{Topic: messaging.TopicPricing, RoutingKey: "PriceUpdated", Envelope: env})
		}
		for _, err := range pub.PublishBatch(ctx, msgs) {
			if err != nil {
				return err
			}
		}
		return nil
	})
	done := w.waitAll(ctx, total, 20*time.Second)
	propCPU := cpuUse(cpu0, cpuSnapshot(p.PIDs()), time.Since(phase))
	if profiling {
		pprof.StopCPUProfile()
	}
	stopWatch()
	<-watchDone
	lags := make([]time.Duration, 0, total)
	missing := 0
	for i := range total {
		at := w.seenAt(i)
		if at.IsZero() || sent[i].IsZero() {
			missing++
			continue
		}
		lags = append(lags, max(at.Sub(sent[i]), 0))
	}
	s := stats.Summarize(lags)
	sec := report.Section{Name: name, Title: title,
		Method: fmt.Sprintf("%d prices, each used by %d published offerings (published through the saga). PriceUpdated events for them are published with confirms "+
			"on the pricing exchange at %d/s for %s (20 batches a second; round-robin, so each price changes every %s), in the shape the pricing relay sends. "+
			"Lag: from publishing an update to the moment every store document using that price shows its new value to shoppers: one store search through the gateway, polled every %s, returns all the benchmark's documents (the injected value encodes the version). "+
			"Going through the pricing API is impossible for this: a price used by a published offering is frozen (423) by design.",
			propPrices, propPerPrice, propRate, propFor, time.Duration(float64(time.Second)*propPrices/propRate), propPoll),
		Table: report.Table{Header: []string{"updates", "propagated", "p50 ms", "p90 ms", "p99 ms", "max ms", "failed batches"}},
	}
	sec.Table.Rows = append(sec.Table.Rows, []string{fmt.Sprint(total), fmt.Sprint(len(lags)), ms(s.P50), ms(s.P90), ms(s.P99), ms(s.Max), fmt.Sprint(r.Errors)})
	sec.Notes = append(sec.Notes, "CPU from the first update until propagation ended or gave up: "+propCPU+".")
	if profiling {
		if pp, err := pprofile.Parse(&selfProf); err == nil {
			sec.Notes = append(sec.Notes, "where the benchmark process spent that CPU (pprof, cumulative): "+
				topCumulative(pp, 6, "FerretDB/FerretDB/internal/handler", "modernc.org/sqlite", "scenario.(*propWatcher)", "messaging.(*Publisher)"))
		}
	}
	if r.LastErr != nil {
		sec.Notes = append(sec.Notes, fmt.Sprintf("last publish error: `%v`", r.LastErr))
	}
	if !done {
		sec.Notes = append(sec.Notes, fmt.Sprintf("%d of %d updates had not reached every document 20 s after the last was sent (an update counts as arrived as soon as any newer version of its price is in every document): "+
			"the store applies price events far slower than 200/s, so its queue grows and the lag with it.", missing, total))
	}
	g := report.Goal{Text: "price update → store documents p99 < 100 ms at 200 updates/s", Measured: ms(s.P99) + " ms",
		Met: s.Count > 0 && missing == 0 && r.Errors == 0 && s.P99 < propLagGoal}
	if !g.Met {
		g.Miss = fmt.Sprintf("+%s ms", ms(s.P99-propLagGoal))
		if missing > 0 {
			g.Miss += fmt.Sprintf(", %d not propagated", missing)
		}
	}
	sec.Goals = []report.Goal{g}
	sec.Charts = []report.Chart{{File: "propagation-lag.png", Title: "Price update → store documents (200/s)", YLabel: "ms", Kind: report.Bars,
		Labels: []string{"p50", "p90", "p99"}, Series: []report.Series{{Name: "lag", Values: []float64{stats.Ms(s.P50), stats.Ms(s.P90), stats.Ms(s.P99)}}},
		Threshold: 100, ThresholdLabel: "p99 goal 100 ms"}}
	if env.Profile && !g.Met {
		sec.Notes = append(sec.Notes, profileDuring(ctx, "store-query", p.PIDs()["store-query"], 4*time.Second, func(ctx context.Context) {
			load.Open(ctx, 20, 5*time.Second, 8, 5*time.Second, func(ctx context.Context, b int64) error {
				var msgs []messaging.Message
				for j := range int64(perBatch) {
					i := b*perBatch + j
					k := int(i) % propPrices
					env, err := priceEvent(prices[k], base[prices[k]]+2*propVersionUp+int64(total)+i+1)
					if err != nil {
						return err
					}
					msgs = append(msgs, messaging.Message{Topic: messaging.TopicPricing, RoutingKey: "PriceUpdated", Envelope: env})
				}
				pub.PublishBatch(ctx, msgs)
				return nil
			})
		})...)
	}
	sec.Elapsed = time.Since(start)
	return sec
}

func priceEvent(id string, version int64) (messaging.Envelope, error) {
	payload, err := json.Marshal(map[string]any{
		// The watcher reads the version back from the value.
		"id": id, "name": "propagation price", "value": fmt.Sprintf("%d.00", version), "unit": "month", "currency": "EUR",
		"version": version, "locked": true,
	})
	if err != nil {
		return messaging.Envelope{}, err
	}
	return messaging.Envelope{EventID: uuid.NewString(), EventType: "PriceUpdated", SchemaVersion: 1, EntityID: id,
		EntityVersion: version, OccurredAt: time.Now(), CorrelationID: "bench-propagation", TraceContext: map[string]string{},
		Payload: payload}, nil
}

// publishedCatalog creates propPrices prices with propPerPrice offerings each, publishes them
// all and waits until they are PUBLISHED.
func publishedCatalog(ctx context.Context, c *platform.Client, p *platform.Platform) (prices, offerings []string, err error) {
	n := propPrices * propPerPrice
	ids, err := prepareOfferings(ctx, c, p, propPrices, "prop")
	if err != nil {
		return nil, nil, err
	}
	// prepareOfferings made one offering per price; add the others on the same prices.
	priceOf := map[string]string{}
	for _, id := range ids {
		var o struct {
			PricingIDs       []string `json:"pricing_ids"`
			SpecificationIDs []string `json:"specification_ids"`
		}
		if err := c.Do(ctx, "GET", "/api/v1/offerings/"+id, nil, &o, 200); err != nil {
			return nil, nil, err
		}
		prices = append(prices, o.PricingIDs[0])
		priceOf[id] = o.PricingIDs[0]
		offerings = append(offerings, id)
		for k := 1; k < propPerPrice; k++ {
			e, err := c.CreateOffering(ctx, fmt.Sprintf("prop extra %s-%d", id[:8], k), o.SpecificationIDs, o.PricingIDs)
			if err != nil {
				return nil, nil, err
			}
			offerings = append(offerings, e.ID)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 10)
	for _, id := range offerings {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := c.Publish(ctx, id, 30*time.Second); err != nil {
				errs <- err
				return
			}
			if _, err := c.WaitStatus(ctx, id, "PUBLISHED", 50*time.Millisecond, 60*time.Second); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return nil, nil, fmt.Errorf("publish: %w", err)
	}
	return prices, offerings, nil
}

type priceVersions struct {
	ID       string `bson:"_id"`
	Visible  bool   `bson:"visible"`
	Versions struct {
		Prices map[string]int64 `bson:"prices"`
	} `bson:"versions"`
}

// waitDocuments waits for every offering's visible store document and returns the current
// version of each price.
func waitDocuments(ctx context.Context, coll *mongo.Collection, offerings, prices []string) (map[string]int64, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		docs, err := readVersions(ctx, coll, offerings)
		base := map[string]int64{}
		visible := 0
		for _, d := range docs {
			if d.Visible {
				visible++
			}
			for id, v := range d.Versions.Prices {
				base[id] = max(base[id], v)
			}
		}
		if err == nil && visible == len(offerings) {
			return base, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%d of %d store documents visible after 60s (%v)", visible, len(offerings), err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// readVersions reads the documents one _id lookup each: FerretDB's SQLite backend answers a
// lone {_id} filter with an index lookup but scans the whole collection for an $in.
func readVersions(ctx context.Context, coll *mongo.Collection, ids []string) ([]priceVersions, error) {
	out := make([]priceVersions, 0, len(ids))
	for _, id := range ids {
		var d priceVersions
		err := coll.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"visible": 1, "versions.prices": 1})).Decode(&d)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// searchVersions reads what shoppers see: one store search through the gateway returns every
// benchmark offering ("prop …") with its prices, and each injected price's value is its version
// (priceEvent). One request per poll keeps the observer's own load off the store's database.
func searchVersions(ctx context.Context, c *platform.Client, offerings []string) ([]priceVersions, error) {
	var res struct {
		Items []struct {
			ID      string `json:"id"`
			Pricing []struct {
				ID    string  `json:"id"`
				Value float64 `json:"value"`
			} `json:"pricing"`
		} `json:"items"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/store/search?q=prop&limit=1000", nil, &res, 200); err != nil {
		return nil, err
	}
	want := make(map[string]bool, len(offerings))
	for _, id := range offerings {
		want[id] = true
	}
	var out []priceVersions
	for _, it := range res.Items {
		if !want[it.ID] {
			continue
		}
		d := priceVersions{ID: it.ID, Visible: true}
		d.Versions.Prices = map[string]int64{}
		for _, p := range it.Pricing {
			d.Versions.Prices[p.ID] = int64(p.Value)
		}
		out = append(out, d)
	}
	return out, nil
}

// propWatcher polls the documents and records, for each update, when every document using
// its price first carried a version at least as new.
type propWatcher struct {
	read      func(context.Context) ([]priceVersions, error)
	offerings []string
	prices    []string
	mu        sync.Mutex
	pending   []map[int64][]int // per price index: version → update numbers
	seen      map[int]time.Time
}

func newPropWatcher(read func(context.Context) ([]priceVersions, error), offerings, prices []string) *propWatcher {
	w := &propWatcher{read: read, offerings: offerings, prices: prices, seen: map[int]time.Time{}}
	w.pending = make([]map[int64][]int, len(prices))
	for i := range w.pending {
		w.pending[i] = map[int64][]int{}
	}
	return w
}

func (w *propWatcher) expect(priceIdx int, version int64, update int) {
	w.mu.Lock()
	w.pending[priceIdx][version] = append(w.pending[priceIdx][version], update)
	w.mu.Unlock()
}

func (w *propWatcher) seenAt(update int) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen[update]
}

func (w *propWatcher) run(ctx context.Context) {
	idx := map[string]int{}
	for i, id := range w.prices {
		idx[id] = i
	}
	t := time.NewTicker(propPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		docs, err := w.read(ctx)
		if err != nil || len(docs) != len(w.offerings) {
			continue
		}
		now := time.Now()
		minV := make([]int64, len(w.prices))
		for i := range minV {
			minV[i] = -1
		}
		for _, d := range docs {
			for id, v := range d.Versions.Prices {
				if k, ok := idx[id]; ok && (minV[k] < 0 || v < minV[k]) {
					minV[k] = v
				}
			}
		}
		w.mu.Lock()
		for k, pend := range w.pending {
			for v, updates := range pend {
				if minV[k] >= v {
					for _, u := range updates {
						w.seen[u] = now
					}
					delete(pend, v)
				}
			}
		}
		w.mu.Unlock()
	}
}

func (w *propWatcher) waitAll(ctx context.Context, total int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		w.mu.Lock()
		n := len(w.seen)
		w.mu.Unlock()
		if n >= total {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// profileDuring samples pid with perf for d while work runs.
func profileDuring(ctx context.Context, svc string, pid int, d time.Duration, work func(context.Context)) []string {
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); work(lctx) }()
	lines := perfLines(ctx, svc, pid, d)
	cancel()
	<-done
	return lines
}
