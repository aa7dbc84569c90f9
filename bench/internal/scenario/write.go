package scenario

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/load"
	"github.com/tmfcatalog/platform/bench/internal/platform"
	"github.com/tmfcatalog/platform/bench/internal/report"
	"github.com/tmfcatalog/platform/bench/internal/stats"
)

// Write-path steps: offered creates per second, each held for writeStep.
var writeRates = []float64{25, 50, 100, 150, 200, 300, 400, 600}

const (
	writeStep      = 4 * time.Second
	writeP99Goal   = 50 * time.Millisecond
	writeMaxFlight = 256
)

// createOp returns an operation that creates one uniquely named characteristic through the
// gateway.
func createOp(c *platform.Client, label string) load.Op {
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	var seq atomic.Int64 // names stay unique across the runs that share this operation
	return func(ctx context.Context, _ int64) error {
		body := map[string]any{"name": fmt.Sprintf("%s %s-%d", label, run, seq.Add(1)), "value": "100", "unit_of_measure": "Mbps"}
		return c.Do(ctx, http.MethodPost, "/api/v1/characteristics", body, nil, http.StatusCreated)
	}
}

// WritePath offers authenticated creates through the gateway at increasing fixed rates (open
// loop: latency counts from each request's scheduled start) and reports the knee: the highest
// rate whose p99 stays under 50 ms with every request answered.
func WritePath(ctx context.Context, env *Env) report.Section {
	start := time.Now()
	const name, title = "write", "Write path knee"
	client, err := env.adminClient(ctx, writeMaxFlight)
	if err != nil {
		return failed(name, title, start, err)
	}
	op := createOp(client, "write-bench")
	load.Open(ctx, 25, 2*time.Second, writeMaxFlight, 5*time.Second, op) // warm-up
	sec := report.Section{Name: name, Title: title,
		Method: fmt.Sprintf("`POST /api/v1/characteristics` through the gateway with an ADMIN token (JSON body, one Postgres transaction with the outbox row), "+
			"open loop at fixed offered rates of %s each (after a 2 s warm-up at 25/s); latency is measured from each request's scheduled start, so queueing shows. "+
			"Steps stop once p99 passes 4× the goal.", writeStep),
		Table: report.Table{Header: []string{"offered req/s", "achieved req/s", "p50 ms", "p99 ms", "errors"}},
	}
	var xs, p50s, p99s []float64
	knee := 0.0
	for _, rate := range writeRates {
		r := load.Open(ctx, rate, writeStep, writeMaxFlight, 10*time.Second, op)
		achieved := float64(r.Latency.Count) / r.Elapsed.Seconds()
		sec.Table.Rows = append(sec.Table.Rows, []string{num(rate), num(achieved), ms(r.Latency.P50), ms(r.Latency.P99), strconv.Itoa(r.Errors)})
		xs = append(xs, rate)
		p50s = append(p50s, stats.Ms(r.Latency.P50))
		p99s = append(p99s, stats.Ms(r.Latency.P99))
		if r.LastErr != nil {
			sec.Notes = append(sec.Notes, fmt.Sprintf("at %s/s: %d errors, last `%v`", num(rate), r.Errors, r.LastErr))
		}
		if r.Errors == 0 && r.Latency.P99 < writeP99Goal && achieved >= 0.95*rate {
			knee = rate
		}
		if r.Latency.P99 > 4*writeP99Goal || r.Errors > r.Latency.Count/20 || ctx.Err() != nil {
			break
		}
	}
	sec.Goals = []report.Goal{{Text: "knee: highest create rate with p99 < 50 ms (report only)",
		Measured: fmt.Sprintf("%s creates/s", num(knee)), Met: knee > 0}}
	if knee == 0 {
		sec.Goals[0].Miss = "even the lowest step misses p99 < 50 ms"
	}
	sec.Charts = []report.Chart{{File: "write-knee.png", Title: "Creates through the gateway", XLabel: "offered creates/s", YLabel: "latency ms",
		Kind: report.Lines, Series: []report.Series{{Name: "p50", X: xs, Values: p50s}, {Name: "p99", X: xs, Values: p99s}},
		Threshold: 50, ThresholdLabel: "p99 limit 50 ms"}}
	sec.Elapsed = time.Since(start)
	return sec
}
