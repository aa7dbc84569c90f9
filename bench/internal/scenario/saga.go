package scenario

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	pprofile "github.com/google/pprof/profile"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tmfcatalog/platform/bench/internal/platform"
	"github.com/tmfcatalog/platform/bench/internal/report"
	"github.com/tmfcatalog/platform/bench/internal/stats"
)

const (
	sagaSequential = 10 // publications one after the other
	sagaConc       = 20 // concurrent publications
	sagaPerWorker  = 3  // publications per concurrent worker
	sagaPoll       = 5 * time.Millisecond
	engineBenchN   = 400 // instances for the engine's own benchmark
	sagaWait       = 20 * time.Second
	sagaMaxErrors  = 3 // a run stops publishing after this many failures (keeps the suite bounded)
)

// Saga measures publish → PUBLISHED through the whole platform (gateway, offering, engine, the
// four services' workers, RabbitMQ events), one at a time and 20 at once, and the instances/s
// the engine sustains with trivial workers (the engine module's own BenchmarkPublication).
func Saga(ctx context.Context, env *Env) report.Section {
	start := time.Now()
	const name, title = "saga", "Publication saga"
	p := env.Platform
	client, err := env.adminClient(ctx, sagaConc*2)
	if err != nil {
		return failed(name, title, start, err)
	}
	total := sagaSequential + sagaConc*sagaPerWorker
	offerings, err := prepareOfferings(ctx, client, p, total, "saga")
	if err != nil {
		return failed(name, title, start, err)
	}
	pool, err := pgxpool.New(ctx, p.DatabaseURL("offering_db"))
	if err != nil {
		return failed(name, title, start, err)
	}
	defer pool.Close()
	watch := newStatusWatcher(pool)
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go watch.run(wctx)

	publishOne := func(id string) (time.Duration, error) {
		done := watch.expect(id, "PUBLISHED")
		t0 := time.Now()
		if err := client.Publish(ctx, id, 0); err != nil {
			watch.forget(id)
			return 0, err
		}
		select {
		case at := <-done:
			return at.Sub(t0), nil
		case <-time.After(sagaWait):
			watch.forget(id)
			return 0, fmt.Errorf("offering %s not PUBLISHED within %s", id, sagaWait)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	var seq, conc stats.Recorder
	for _, id := range offerings[:sagaSequential] {
		if _, errs, _ := seq.Snapshot(); errs >= sagaMaxErrors {
			break
		}
		d, err := publishOne(id)
		if err != nil {
			seq.Fail(err)
			continue
		}
		seq.Add(d)
	}
	rest := offerings[sagaSequential:]
	var wg sync.WaitGroup
	cpu0 := cpuSnapshot(p.PIDs())
	concStart := time.Now()
	for w := range sagaConc {
		wg.Go(func() {
			for k := range sagaPerWorker {
				if _, errs, _ := conc.Snapshot(); errs >= sagaMaxErrors {
					return
				}
				d, err := publishOne(rest[w*sagaPerWorker+k])
				if err != nil {
					conc.Fail(err)
					continue
				}
				conc.Add(d)
			}
		})
	}
	wg.Wait()
	concElapsed := time.Since(concStart)
	concCPU := cpuUse(cpu0, cpuSnapshot(p.PIDs()), concElapsed)
	s1, e1, l1 := seq.Snapshot()
	s20, e20, l20 := conc.Snapshot()

	sec := report.Section{Name: name, Title: title,
		Method: fmt.Sprintf("Each offering has its own price and shares one specification; all replicas are in the offering service before timing starts. "+
			"Latency runs from sending `POST /offerings/{id}/publish` through the gateway to the moment the offering row reads PUBLISHED "+
			"(its database polled every %s). %d publications one at a time, then %d workers publishing %d each. "+
			"A run stops early after %d failures.",
			sagaPoll, sagaSequential, sagaConc, sagaPerWorker, sagaMaxErrors),
		Table: report.Table{Header: []string{"run", "publications", "p50 ms", "p99 ms", "max ms", "sagas/s", "errors"}},
	}
	sec.Table.Rows = append(sec.Table.Rows,
		[]string{"1 at a time", strconv.Itoa(s1.Count), ms(s1.P50), ms(s1.P99), ms(s1.Max), "—", strconv.Itoa(e1)},
		[]string{"20 concurrent", strconv.Itoa(s20.Count), ms(s20.P50), ms(s20.P99), ms(s20.Max), num(float64(s20.Count) / concElapsed.Seconds()), strconv.Itoa(e20)})
	for _, e := range []error{l1, l20} {
		if e != nil {
			sec.Notes = append(sec.Notes, fmt.Sprintf("last error: `%v`", e))
		}
	}
	sec.Notes = append(sec.Notes, "CPU during the 20-concurrent run: "+concCPU+".")
	if steps, err := sagaSteps(ctx, client, p.URL("engine"), concStart); err == nil {
		sec.Notes = append(sec.Notes, steps)
	} else {
		sec.Notes = append(sec.Notes, fmt.Sprintf("per-step breakdown unavailable: %v", err))
	}
	g1 := report.Goal{Text: "publish → PUBLISHED p50 < 150 ms (1 at a time)", Measured: ms(s1.P50) + " ms", Met: s1.Count > 0 && s1.P50 < 150*time.Millisecond && e1 == 0}
	if !g1.Met {
		g1.Miss = fmt.Sprintf("+%s ms", ms(s1.P50-150*time.Millisecond))
	}
	g20 := report.Goal{Text: "publish → PUBLISHED p99 < 1 s (20 concurrent)", Measured: ms(s20.P99) + " ms", Met: s20.Count > 0 && s20.P99 < time.Second && e20 == 0}
	if !g20.Met {
		g20.Miss = fmt.Sprintf("+%s ms", ms(s20.P99-time.Second))
	}
	sec.Goals = []report.Goal{g1, g20}

	sec.Charts = []report.Chart{{File: "saga-latency.png", Title: "publish → PUBLISHED", YLabel: "ms", Kind: report.Bars,
		Labels: []string{"1 at a time", "20 concurrent"},
		Series: []report.Series{
			{Name: "p50", Values: []float64{stats.Ms(s1.P50), stats.Ms(s20.P50)}},
			{Name: "p99", Values: []float64{stats.Ms(s1.P99), stats.Ms(s20.P99)}},
		}}}
	sec.Elapsed = time.Since(start)
	return sec
}

// prepareOfferings creates n draft offerings, each with its own price and one shared
// specification, and waits until the offering service knows every price and specification.
func prepareOfferings(ctx context.Context, c *platform.Client, p *platform.Platform, n int, label string) ([]string, error) {
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	// A scenario before may have overloaded a service and opened the gateway's breaker for
	// it (503 for BREAKER_OPEN_TIMEOUT, 20 s): wait for it to close.
	var ch platform.Entity
	var err error
	for wait := time.Now().Add(45 * time.Second); ; {
		ch, err = c.CreateCharacteristic(ctx, fmt.Sprintf("%s speed %s", label, run))
		var se *platform.StatusError
		if err == nil || !errors.As(err, &se) || se.Status != 503 || time.Now().After(wait) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	if err != nil {
		return nil, fmt.Errorf("create characteristic: %w", err)
	}
	spec, err := c.CreateSpecification(ctx, fmt.Sprintf("%s spec %s", label, run), ch.ID)
	if err != nil {
		return nil, fmt.Errorf("create specification: %w", err)
	}
	var ids, prices []string
	for i := range n {
		pr, err := c.CreatePrice(ctx, fmt.Sprintf("%s price %s-%d", label, run, i), fmt.Sprintf("%d.90", 10+i%90))
		if err != nil {
			return nil, fmt.Errorf("create price: %w", err)
		}
		off, err := c.CreateOffering(ctx, fmt.Sprintf("%s offer %s-%d", label, run, i), []string{spec.ID}, []string{pr.ID})
		if err != nil {
			return nil, fmt.Errorf("create offering: %w", err)
		}
		ids = append(ids, off.ID)
		prices = append(prices, pr.ID)
	}
	pool, err := pgxpool.New(ctx, p.DatabaseURL("offering_db"))
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var known int
		err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM known_prices WHERE id::text = ANY($1) AND NOT deleted)
			+ (SELECT count(*) FROM known_specifications WHERE id = $2::uuid AND NOT deleted)`, prices, spec.ID).Scan(&known)
		if err == nil && known == n+1 {
			return ids, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("offering service knows %d of %d prices and specifications after 60s (%v)", known, n+1, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// statusWatcher polls the offering table and reports when watched offerings reach a status.
type statusWatcher struct {
	pool *pgxpool.Pool
	mu   sync.Mutex
	want map[string]watchEntry
}

type watchEntry struct {
	status string
	ch     chan time.Time
}

func newStatusWatcher(pool *pgxpool.Pool) *statusWatcher {
	return &statusWatcher{pool: pool, want: map[string]watchEntry{}}
}

func (w *statusWatcher) expect(id, status string) <-chan time.Time {
	ch := make(chan time.Time, 1)
	w.mu.Lock()
	w.want[id] = watchEntry{status: status, ch: ch}
	w.mu.Unlock()
	return ch
}

func (w *statusWatcher) forget(id string) {
	w.mu.Lock()
	delete(w.want, id)
	w.mu.Unlock()
}

func (w *statusWatcher) run(ctx context.Context) {
	t := time.NewTicker(sagaPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		w.mu.Lock()
		ids := make([]string, 0, len(w.want))
		for id := range w.want {
			ids = append(ids, id)
		}
		w.mu.Unlock()
		if len(ids) == 0 {
			continue
		}
		rows, err := w.pool.Query(ctx, `SELECT id::text, lifecycle_status FROM offerings WHERE id = ANY($1::uuid[])`, ids)
		if err != nil {
			continue
		}
		now := time.Now()
		for rows.Next() {
			var id, st string
			if rows.Scan(&id, &st) != nil {
				continue
			}
			w.mu.Lock()
			if e, ok := w.want[id]; ok && e.status == st {
				e.ch <- now
				delete(w.want, id)
			}
			w.mu.Unlock()
		}
		rows.Close()
	}
}

// Engine runs the engine module's own BenchmarkPublication (the real publication BPMN, four
// trivial workers completing every job) before the platform starts, so it has PostgreSQL to
// itself, and reports the instances/s it sustains.
func Engine(ctx context.Context, env *Env) report.Section {
	start := time.Now()
	const name, title = "engine", "Saga engine capacity"
	sec := report.Section{Name: name, Title: title,
		Method: fmt.Sprintf("`go test -bench BenchmarkPublication -benchtime %dx ./engine/internal/grpcapi/`: an engine on its own database, "+
			"the official Zeebe Go client creating instances of the real publication process with result, 32 at a time, and "+
			"job workers for the four service tasks that complete every job at once.", engineBenchN),
		Table: report.Table{Header: []string{"instances", "instances/s", "p50 ms", "p99 ms"}},
	}
	bctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	cpu := filepath.Join(os.TempDir(), fmt.Sprintf("bench-engine-%d.pprof", os.Getpid()))
	defer os.Remove(cpu)
	defer os.Remove(cpu + ".test")
	eng, err := engineBench(bctx, env.Root, cpu)
	if err != nil {
		sec.Err = err
		sec.Goals = []report.Goal{{Text: "engine ≥ 100 instances/s with trivial workers", Measured: "did not run", Miss: "benchmark failed"}}
		sec.Elapsed = time.Since(start)
		return sec
	}
	sec.Table.Rows = append(sec.Table.Rows, []string{strconv.Itoa(engineBenchN), num(eng["instances/s"]), num(eng["p50_ms"]), num(eng["p99_ms"])})
	g := report.Goal{Text: "engine ≥ 100 instances/s with trivial workers", Measured: num(eng["instances/s"]) + " instances/s", Met: eng["instances/s"] >= 100}
	if !g.Met {
		g.Miss = fmt.Sprintf("%.0f%% short", (1-eng["instances/s"]/100)*100)
	}
	sec.Goals = []report.Goal{g}
	if f, err := os.Open(cpu); err == nil {
		if p, err := pprofile.Parse(f); err == nil {
			sec.Notes = append(sec.Notes,
				"CPU profile of the benchmark process (engine, gRPC server, Zeebe client and workers together; pprof), cumulative: "+
					topCumulative(p, 10, "engine/internal", "jackc/pgx", "grpc", "zeebe"),
				"… by origin (self time): "+selfByOrigin(p))
		}
		f.Close()
	}
	sec.Charts = []report.Chart{{File: "engine-throughput.png", Title: "Engine with trivial workers", YLabel: "instances/s", Kind: report.Bars,
		Labels: []string{"instances/s"}, Series: []report.Series{{Name: "instances/s", Values: []float64{eng["instances/s"]}}},
		Threshold: 100, ThresholdLabel: "goal 100/s"}}
	sec.Elapsed = time.Since(start)
	return sec
}

// engineBench runs the engine module's BenchmarkPublication and returns its custom metrics.
func engineBench(ctx context.Context, root, cpuProfile string) (map[string]float64, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkPublication$",
		"-benchtime", strconv.Itoa(engineBenchN)+"x", "-count", "1", "-cpuprofile", cpuProfile, "-o", cpuProfile+".test", "./engine/internal/grpcapi/")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%w: %s", err, lastLines(out.String(), 10))
	}
	m := ParseBenchMetrics(out.String(), "BenchmarkPublication")
	if _, ok := m["instances/s"]; !ok {
		return nil, fmt.Errorf("no instances/s in: %s", lastLines(out.String(), 10))
	}
	return m, nil
}

// ParseBenchMetrics reads the metrics of a `go test -bench` result line ("BenchmarkX-2  600
// 1234 ns/op  150.3 instances/s  40 p50_ms") into unit → value.
func ParseBenchMetrics(out, bench string) map[string]float64 {
	m := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], bench) {
			continue
		}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				m[f[i+1]] = v
			}
		}
	}
	return m
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
