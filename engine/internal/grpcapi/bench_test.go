package grpcapi_test

import (
	"context"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/camunda/zeebe/clients/go/v8/pkg/entities"
	"github.com/camunda/zeebe/clients/go/v8/pkg/worker"
)

// BenchmarkPublication runs the real publication process with trivial workers and reports
// throughput and the create→completed latency percentiles.
func BenchmarkPublication(b *testing.B) {
	h := newHarness(b)
	deployPublication(b, h)
	complete := func(client worker.JobClient, job entities.Job) {
		_, _ = client.NewCompleteJobCommand().JobKey(job.Key).Send(context.Background())
	}
	var ws []worker.JobWorker
	for _, s := range publicationSteps[:4] {
		ws = append(ws, h.client.NewJobWorker().JobType(s).Handler(complete).Concurrency(8).RequestTimeout(5*time.Second).Open())
	}
	defer func() {
		for _, w := range ws {
			w.Close()
		}
	}()
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	conc := 32
	if v, err := strconv.Atoi(os.Getenv("BENCH_CONCURRENCY")); err == nil && v > 0 {
		conc = v
	}
	sem := make(chan struct{}, conc)
	for i := 0; i < b.N; i++ {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			t0 := time.Now()
			cmd, err := h.client.NewCreateInstanceCommand().BPMNProcessId("offering-publication").LatestVersion().
				VariablesFromMap(map[string]any{"saga_timeout": "PT5M"})
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := cmd.WithResult().Send(context.Background()); err != nil {
				b.Error(err)
				return
			}
			mu.Lock()
			lat = append(lat, time.Since(t0))
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "instances/s")
		b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50_ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "p99_ms")
	}
}
