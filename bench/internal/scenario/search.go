package scenario

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/load"
	"github.com/tmfcatalog/platform/bench/internal/report"
	"github.com/tmfcatalog/platform/bench/internal/searchmirror"
	"github.com/tmfcatalog/platform/bench/internal/stats"
)

const (
	searchDocs    = 50000
	searchClients = 20
	searchRun     = 10 * time.Second
)

var queryKinds = []string{"text", "text + price + channel", "characteristic + channel, by name", "browse all"}

// Search loads 50,000 generated offerings into a bleve index with store-query's mapping and
// times its mixed queries (always with the three facets) from 20 concurrent clients.
func Search(ctx context.Context, env *Env) report.Section {
	start := time.Now()
	const name, title = "search", "Store search (bleve, 50,000 offerings)"
	dir, err := os.MkdirTemp("", "bench-search-")
	if err != nil {
		return failed(name, title, start, err)
	}
	defer os.RemoveAll(dir)
	t0 := time.Now()
	idx, err := searchmirror.Build(filepath.Join(dir, "index"), searchDocs)
	if err != nil {
		return failed(name, title, start, fmt.Errorf("build index: %w", err))
	}
	defer idx.Close()
	built := time.Since(t0)
	kinds := make([]stats.Recorder, len(queryKinds))
	op := func(measure bool) load.Op {
		return func(ctx context.Context, i int64) error {
			q0 := time.Now()
			_, err := searchmirror.Search(ctx, idx, searchmirror.Mixed(int(i)))
			if err == nil && measure {
				kinds[i%4].Add(time.Since(q0))
			}
			return err
		}
	}
	load.Closed(ctx, searchClients, 0, 2*time.Second, op(false))
	r := load.Closed(ctx, searchClients, 0, searchRun, op(true))
	sec := report.Section{Name: name, Title: title,
		Method: fmt.Sprintf("%d generated offerings (names, descriptions, 2–6 characteristics, price, channels) indexed with store-query's bleve mapping "+
			"(a copy in bench/internal/searchmirror: the adapter is internal to services/store-query) in %s (%.0f docs/s). "+
			"Then %d clients in a closed loop for %s after a 2 s warm-up, cycling through four query shapes, every one with the channel, "+
			"characteristic and price-range facets and 20 hits whose stored source is decoded, as the store does. In-process: no HTTP.",
			searchDocs, built.Round(time.Second), float64(searchDocs)/built.Seconds(), searchClients, searchRun),
		Table: report.Table{Header: []string{"query", "queries", "p50 ms", "p99 ms", "max ms"}},
	}
	var labels []string
	var p50, p99 []float64
	for k := range kinds {
		s, _, _ := kinds[k].Snapshot()
		sec.Table.Rows = append(sec.Table.Rows, []string{queryKinds[k], fmt.Sprint(s.Count), ms(s.P50), ms(s.P99), ms(s.Max)})
		labels = append(labels, fmt.Sprintf("q%d", k+1))
		p50 = append(p50, stats.Ms(s.P50))
		p99 = append(p99, stats.Ms(s.P99))
	}
	sec.Table.Rows = append(sec.Table.Rows, []string{"all (mixed)", fmt.Sprint(r.Latency.Count), ms(r.Latency.P50), ms(r.Latency.P99), ms(r.Latency.Max)})
	labels = append(labels, "mixed")
	p50 = append(p50, stats.Ms(r.Latency.P50))
	p99 = append(p99, stats.Ms(r.Latency.P99))
	sec.Notes = append(sec.Notes, fmt.Sprintf("throughput: %s queries/s at %d clients; errors: %d.", num(r.Throughput()), searchClients, r.Errors))
	// Evidence: the same mix without facets, and each shape alone on one client.
	noFacets := load.Closed(ctx, searchClients, time.Second, searchRun/2, func(ctx context.Context, i int64) error {
		q := searchmirror.Mixed(int(i))
		q.NoFacets = true
		_, err := searchmirror.Search(ctx, idx, q)
		return err
	})
	sec.Table.Rows = append(sec.Table.Rows, []string{"all (mixed), facets off — evidence only", fmt.Sprint(noFacets.Latency.Count),
		ms(noFacets.Latency.P50), ms(noFacets.Latency.P99), ms(noFacets.Latency.Max)})
	labels = append(labels, "no facets")
	p50 = append(p50, stats.Ms(noFacets.Latency.P50))
	p99 = append(p99, stats.Ms(noFacets.Latency.P99))
	single := load.Closed(ctx, 1, 0, 3*time.Second, op(false))
	sec.Notes = append(sec.Notes, fmt.Sprintf("one client alone: p50 %s ms, p99 %s ms (%s queries/s) — the latency at 20 clients is mostly queueing for 2 cores.",
		ms(single.Latency.P50), ms(single.Latency.P99), num(single.Throughput())))
	if env.Profile {
		sec.Notes = append(sec.Notes, searchProfile(ctx, idx)...)
	}
	g := report.Goal{Text: "search p99 < 25 ms at 20 concurrent clients (mixed queries with facets)", Measured: ms(r.Latency.P99) + " ms",
		Met: r.Errors == 0 && r.Latency.Count > 0 && r.Latency.P99 < 25*time.Millisecond}
	if !g.Met {
		g.Miss = fmt.Sprintf("+%s ms", ms(r.Latency.P99-25*time.Millisecond))
	}
	sec.Goals = []report.Goal{g}
	sec.Charts = []report.Chart{{File: "search-latency.png", Title: "Search latency, 20 clients, 50k offerings", YLabel: "ms",
		Kind: report.Bars, Labels: labels, Series: []report.Series{{Name: "p50", Values: p50}, {Name: "p99", Values: p99}},
		Threshold: 25, ThresholdLabel: "p99 goal 25 ms"}}
	sec.Elapsed = time.Since(start)
	return sec
}
