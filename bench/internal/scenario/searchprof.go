package scenario

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/google/pprof/profile"

	prof "github.com/tmfcatalog/platform/bench/internal/profile"
	"github.com/tmfcatalog/platform/services/store-query/searchbench"
)

// searchProfile CPU-profiles the query mix in-process (pprof) for 3 s and names the heaviest
// functions, cumulative, among the store adapter's, bleve's and zap's.
func searchProfile(ctx context.Context, idx *searchbench.Index) []string {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return []string{"search profile: " + err.Error()}
	}
	deadline := time.Now().Add(3 * time.Second)
	for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
		_ = runSearch(ctx, idx, mixedQuery(i))
	}
	pprof.StopCPUProfile()
	p, err := profile.Parse(&buf)
	if err != nil {
		return []string{"search profile: " + err.Error()}
	}
	return []string{"search CPU profile (pprof, cumulative share of samples): " + topCumulative(p, 7,
		"store-query", "blevesearch", "golang/snappy", "encoding/json")}
}

// topCumulative sums each function's samples over the stacks it appears in (once per stack)
// and lists the n largest whose names contain one of the substrings.
func topCumulative(p *profile.Profile, n int, keep ...string) string {
	total := int64(0)
	cum := map[string]int64{}
	for _, s := range p.Sample {
		v := s.Value[len(s.Value)-1]
		total += v
		seen := map[string]bool{}
		for _, loc := range s.Location {
			for _, l := range loc.Line {
				name := l.Function.Name
				if seen[name] {
					continue
				}
				seen[name] = true
				cum[name] += v
			}
		}
	}
	type kv struct {
		name string
		v    int64
	}
	var all []kv
	for k, v := range cum {
		for _, s := range keep {
			if strings.Contains(k, s) {
				all = append(all, kv{k, v})
				break
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v || all[i].v == all[j].v && all[i].name < all[j].name })
	var parts []string
	for _, e := range all[:min(n, len(all))] {
		parts = append(parts, fmt.Sprintf("%.0f%% `%s`", 100*float64(e.v)/float64(max(total, 1)), shortFunc(e.name)))
	}
	return strings.Join(parts, ", ")
}

func shortFunc(name string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		return name[i+1:]
	}
	return name
}

// selfByOrigin groups a pprof profile's self time (leaf frames) into coarse origins.
func selfByOrigin(p *profile.Profile) string {
	var es []prof.Entry
	total := int64(0)
	self := map[string]int64{}
	for _, s := range p.Sample {
		v := s.Value[len(s.Value)-1]
		total += v
		if len(s.Location) > 0 && len(s.Location[0].Line) > 0 {
			self[s.Location[0].Line[0].Function.Name] += v
		}
	}
	for k, v := range self {
		es = append(es, prof.Entry{Percent: 100 * float64(v) / float64(max(total, 1)), Symbol: k})
	}
	g := prof.GroupSelf(es)
	return prof.FormatGroups(g[:min(8, len(g))])
}
