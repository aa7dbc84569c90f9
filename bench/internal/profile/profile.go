// Package profile samples a running service's CPU with Linux perf (the services expose no
// pprof endpoint) and condenses the result into the few lines the report quotes as evidence.
package profile

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Entry is one symbol's share of the samples.
type Entry struct {
	Percent float64
	Symbol  string
	Kernel  bool // perf marked it [k]
}

// Result is the flat (self) and cumulative (children included) top symbols.
type Result struct {
	Self       []Entry
	Cumulative []Entry
}

// Perf records pid's CPU for d at 499 Hz with call graphs and returns the top n symbols.
func Perf(ctx context.Context, pid int, d time.Duration, n int) (Result, error) {
	bin, err := exec.LookPath("perf")
	if err != nil {
		return Result{}, fmt.Errorf("perf is not installed: %w", err)
	}
	dir, err := os.MkdirTemp("", "bench-perf-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(dir)
	data := filepath.Join(dir, "perf.data")
	rec := exec.CommandContext(ctx, bin, "record", "-F", "499", "-g", "-p", strconv.Itoa(pid), "-o", data,
		"--", "sleep", strconv.FormatFloat(d.Seconds(), 'f', 1, 64))
	if out, err := rec.CombinedOutput(); err != nil {
		return Result{}, fmt.Errorf("perf record: %w: %s", err, out)
	}
	var r Result
	for _, mode := range []string{"--no-children", "--children"} {
		rep := exec.CommandContext(ctx, bin, "report", "-i", data, "--stdio", mode, "--sort", "symbol", "-g", "none", "--percent-limit", "0.05")
		out, err := rep.Output()
		if err != nil {
			return Result{}, fmt.Errorf("perf report: %w", err)
		}
		entries := ParseReport(string(out), n)
		if mode == "--no-children" {
			r.Self = entries
		} else {
			r.Cumulative = entries
		}
	}
	return r, nil
}

// ParseReport reads `perf report --stdio -g none` output: lines like
// "  12.34%  [.] crypto/internal/fips140/bigmod.addMulVVW2048" (with --children the first
// column is the cumulative share and the second the self share). It keeps the first n.
func ParseReport(out string, n int) []Entry {
	var res []Entry
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() && len(res) < n {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasSuffix(f[0], "%") {
			continue
		}
		pct, err := strconv.ParseFloat(strings.TrimSuffix(f[0], "%"), 64)
		if err != nil {
			continue
		}
		i, kernel := 1, false
		for i < len(f) && (strings.HasSuffix(f[i], "%") || strings.HasPrefix(f[i], "[")) {
			kernel = kernel || f[i] == "[k]"
			i++
		}
		if i >= len(f) {
			continue
		}
		sym := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.Join(f[i:], " ")), "- -"))
		res = append(res, Entry{Percent: pct, Symbol: sym, Kernel: kernel})
	}
	return res
}

// Filter keeps the entries whose symbol contains one of the substrings, at most n.
func Filter(es []Entry, n int, substrings ...string) []Entry {
	var out []Entry
	for _, e := range es {
		for _, s := range substrings {
			if strings.Contains(e.Symbol, s) {
				out = append(out, e)
				break
			}
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// Format renders entries as "12.3% sym, 8.1% sym2".
func Format(es []Entry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = fmt.Sprintf("%.1f%% `%s`", e.Percent, e.Symbol)
	}
	return strings.Join(parts, ", ")
}

// groups maps symbol prefixes to the buckets GroupSelf reports, first match wins.
var groups = []struct{ prefix, name string }{
	{"runtime.gc", "Go GC"}, {"runtime.scan", "Go GC"}, {"runtime.mark", "Go GC"}, {"runtime.(*gcWork)", "Go GC"},
	{"runtime.(*mspan)", "Go allocation"}, {"runtime.malloc", "Go allocation"}, {"runtime.memclr", "Go allocation"},
	{"runtime.", "Go runtime (scheduler, maps, memmove…)"}, {"aeshash", "Go runtime (scheduler, maps, memmove…)"},
	{"mem", "Go runtime (scheduler, maps, memmove…)"}, {"indexbyte", "Go runtime (scheduler, maps, memmove…)"},
	{"internal/runtime", "Go runtime (scheduler, maps, memmove…)"}, {"internal/bytealg", "Go runtime (scheduler, maps, memmove…)"},
	{"net/http", "net/http (server, client, headers)"}, {"net/textproto", "net/http (server, client, headers)"},
	{"net/url", "net/http (server, client, headers)"}, {"bufio", "net/http (server, client, headers)"},
	{"net.", "network syscalls"}, {"syscall", "network syscalls"}, {"internal/poll", "network syscalls"},
	{"go.opentelemetry.io", "OpenTelemetry"}, {"github.com/prometheus", "Prometheus metrics"},
	{"log/slog", "logging (slog)"}, {"encoding/json", "encoding/json"}, {"crypto/", "crypto (JWT)"},
	{"github.com/golang-jwt", "crypto (JWT)"}, {"github.com/go-chi", "router (chi)"},
	{"github.com/tmfcatalog", "our code"}, {"github.com/blevesearch", "bleve"}, {"go.mongodb.org", "mongo driver"},
	{"github.com/jackc/pgx", "pgx"}, {"sync.", "sync"}, {"strings.", "strings/strconv/fmt"}, {"strconv.", "strings/strconv/fmt"},
	{"fmt.", "strings/strconv/fmt"}, {"time.", "time"},
}

// GroupSelf sums self-time entries into coarse buckets (kernel, GC, allocation, net/http,
// OpenTelemetry, our code…) and returns them largest first.
func GroupSelf(es []Entry) []Entry {
	sum := map[string]float64{}
	for _, e := range es {
		name := "other"
		if e.Kernel {
			name = "kernel (network stack, scheduling)"
		} else {
			for _, g := range groups {
				if strings.HasPrefix(e.Symbol, g.prefix) {
					name = g.name
					break
				}
			}
		}
		sum[name] += e.Percent
	}
	out := make([]Entry, 0, len(sum))
	for k, v := range sum {
		out = append(out, Entry{Percent: v, Symbol: k})
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if a.Percent != b.Percent {
			if a.Percent > b.Percent {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Symbol, b.Symbol)
	})
	return out
}

// FormatGroups renders buckets as "31% kernel, 12% Go GC…" (no code quotes).
func FormatGroups(es []Entry) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = fmt.Sprintf("%.0f%% %s", e.Percent, e.Symbol)
	}
	return strings.Join(parts, ", ")
}
