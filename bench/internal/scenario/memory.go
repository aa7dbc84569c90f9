package scenario

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/load"
	"github.com/tmfcatalog/platform/bench/internal/procstat"
	"github.com/tmfcatalog/platform/bench/internal/report"
)

const (
	memoryGoalKiB = 60 * 1024
	memoryRate    = 100
	memoryLoad    = 10 * time.Second
)

// SampleIdleRSS records every service's VmRSS; the runner calls it right after start-up.
func (e *Env) SampleIdleRSS() {
	e.IdleRSS = map[string]int{}
	for name, pid := range e.Platform.PIDs() {
		if kib, err := procstat.RSSKiB(pid); err == nil {
			e.IdleRSS[name] = kib
		}
	}
}

// Memory reports each service's resident memory idle (sampled after start-up, before any
// other scenario) and its peak under the write-path load (creates through the gateway at a
// fixed rate, sampled every 200 ms).
func Memory(ctx context.Context, env *Env) report.Section {
	start := time.Now()
	const name, title = "memory", "Memory (RSS) per service"
	if env.IdleRSS == nil {
		env.SampleIdleRSS()
	}
	client, err := env.adminClient(ctx, 64)
	if err != nil {
		return failed(name, title, start, err)
	}
	pids := env.Platform.PIDs()
	peak := map[string]int{}
	var mu sync.Mutex
	sctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			for n, pid := range pids {
				if kib, err := procstat.RSSKiB(pid); err == nil {
					mu.Lock()
					peak[n] = max(peak[n], kib)
					mu.Unlock()
				}
			}
			select {
			case <-sctx.Done():
				return
			case <-t.C:
			}
		}
	})
	r := load.Open(ctx, memoryRate, memoryLoad, 128, 10*time.Second, createOp(client, "memory-bench"))
	stop()
	wg.Wait()
	sec := report.Section{Name: name, Title: title,
		Method: fmt.Sprintf("VmRSS from /proc/<pid>/status of every dev-stack child: idle right after start-up (before any other scenario), "+
			"and the peak under %d creates/s through the gateway for %s (sampled every 200 ms; %d creates answered, %d errors). "+
			"FerretDB is embedded in the benchmark process itself and is not counted.", memoryRate, memoryLoad, r.Latency.Count, r.Errors),
		Table: report.Table{Header: []string{"service", "idle MiB", "under write load MiB"}},
	}
	names := make([]string, 0, len(pids))
	for n := range pids {
		if _, ok := env.IdleRSS[n]; ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var over []string
	var idleV, loadV []float64
	worst := 0
	for _, n := range names {
		idle, ok := env.IdleRSS[n]
		if !ok {
			continue // an extra instance another scenario started (not part of the platform)
		}
		sec.Table.Rows = append(sec.Table.Rows, []string{n, mib(idle), mib(peak[n])})
		idleV = append(idleV, float64(idle)/1024)
		loadV = append(loadV, float64(peak[n])/1024)
		worst = max(worst, idle)
		if idle >= memoryGoalKiB {
			over = append(over, fmt.Sprintf("%s %s MiB", n, mib(idle)))
		}
	}
	g := report.Goal{Text: "every service < 60 MiB RSS idle", Measured: fmt.Sprintf("largest idle: %s MiB", mib(worst)), Met: len(over) == 0}
	if !g.Met {
		g.Miss = fmt.Sprintf("over: %v", over)
	}
	sec.Goals = []report.Goal{g}
	sec.Charts = []report.Chart{{File: "memory.png", Title: "Resident memory per service", YLabel: "MiB", Kind: report.Bars,
		Labels: names, Series: []report.Series{{Name: "idle", Values: idleV}, {Name: "under write load", Values: loadV}},
		Threshold: 60, ThresholdLabel: "idle goal 60 MiB"}}
	sec.Elapsed = time.Since(start)
	return sec
}

func mib(kib int) string { return fmt.Sprintf("%.1f", float64(kib)/1024) }
