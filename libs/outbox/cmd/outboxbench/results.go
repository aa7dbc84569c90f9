package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

type throughput struct {
	events    int
	confirmed time.Duration // until the last confirm (ceiling) / last row marked published (relay)
	consumed  time.Duration // until the last event reached the sink consumer
	chunk     int           // ceiling: messages per pipelined chunk
}

func (t throughput) rate() float64 { return float64(t.events) / t.consumed.Seconds() }

type results struct {
	opts    options
	start   time.Time
	ceiling throughput
	relay   throughput
	latency latencyResult
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func (r results) markdown() string {
	var b strings.Builder
	o := r.opts
	ratio := r.relay.rate() / r.ceiling.rate()
	fmt.Fprintf(&b, "## Outbox relay benchmark (%s)\n\n", r.start.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "Local PostgreSQL + RabbitMQ on 127.0.0.1, %d CPUs, %d events of ~%d B payload, relay batch %d, pipeline %d, %d relay(s), load average at start %s.\n\n",
		runtime.NumCPU(), o.events, o.payloadBytes, o.batchSize, o.pipeline, o.relays, loadAverage())
	b.WriteString("| measurement | value | goal |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| ceiling: raw publish with pipelined confirms, no database (best chunk: %d) | %.0f events/s (%d events in %s) | |\n",
		r.ceiling.chunk, r.ceiling.rate(), r.ceiling.events, ms(r.ceiling.consumed))
	fmt.Fprintf(&b, "| relay: outbox → RabbitMQ → consumer | %.0f events/s (%d events in %s) | |\n",
		r.relay.rate(), r.relay.events, ms(r.relay.consumed))
	fmt.Fprintf(&b, "| relay / ceiling | %.0f %% | ≥ 70 %% %s |\n", 100*ratio, mark(ratio >= 0.70))
	fmt.Fprintf(&b, "| latency phase rate (target / achieved) | %.0f / %.0f events/s, %d samples | |\n",
		r.latency.target, r.latency.achieved, r.latency.samples)
	fmt.Fprintf(&b, "| commit → consumer p50 | %s | |\n", ms(r.latency.p50))
	fmt.Fprintf(&b, "| commit → consumer p99 | %s | < 50 ms %s |\n", ms(r.latency.p99), mark(r.latency.p99 < 50*time.Millisecond))
	fmt.Fprintf(&b, "| commit → consumer max | %s | |\n", ms(r.latency.max))
	fmt.Fprintf(&b, "| of which commit → relay claim p50 / p99 | %s / %s | |\n", ms(r.latency.claimP50), ms(r.latency.claimP99))
	return b.String()
}

func mark(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌"
}

// loadAverage is the 1-minute load average (Linux), to tell a busy machine from a slow relay.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "n/a"
}
