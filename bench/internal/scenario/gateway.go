package scenario

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/load"
	"github.com/tmfcatalog/platform/bench/internal/nginx"
	"github.com/tmfcatalog/platform/bench/internal/procstat"
	"github.com/tmfcatalog/platform/bench/internal/profile"
	"github.com/tmfcatalog/platform/bench/internal/report"
	"github.com/tmfcatalog/platform/bench/internal/stats"
)

// Gateway settings: the route and the fixed concurrency.
const (
	gatewayRoute  = "/api/v1/characteristics?limit=10"
	gatewayConc   = 32
	gatewayRounds = 3
	gatewayWarm   = time.Second
	gatewayRun    = 4 * time.Second
)

type target struct {
	name string
	base string
	pid  func() int // proxy process whose CPU is counted (0: none)
}

// Gateway compares client → gateway → characteristic with client → characteristic and
// client → nginx → characteristic on the same route, at the same concurrency, interleaved in
// rounds so drift of the shared machine hits every path alike.
func Gateway(ctx context.Context, env *Env) report.Section {
	start := time.Now()
	const name, title = "gateway", "Gateway vs direct vs nginx"
	p := env.Platform
	client, err := env.adminClient(ctx, gatewayConc)
	if err != nil {
		return failed(name, title, start, err)
	}
	for i := range 20 {
		if _, err := client.CreateCharacteristic(ctx, fmt.Sprintf("gw-bench speed %d-%d", time.Now().UnixNano()%1e6, i)); err != nil {
			return failed(name, title, start, fmt.Errorf("seed characteristics: %w", err))
		}
	}
	bin, err := nginx.Binary()
	if err != nil {
		return failed(name, title, start, err)
	}
	dir, err := os.MkdirTemp("", "bench-nginx-")
	if err != nil {
		return failed(name, title, start, err)
	}
	defer os.RemoveAll(dir)
	port, err := freePort()
	if err != nil {
		return failed(name, title, start, err)
	}
	// nginx logs every request, as the gateway does (one JSON access line each); a second nginx
	// without its access log is evidence of what that costs.
	px, err := nginx.Start(ctx, bin, nginx.Config{Dir: filepath.Join(dir, "nginx"), Listen: "127.0.0.1:" + strconv.Itoa(port),
		Upstream: p.URL("characteristic"), Keepalive: 128, AccessLog: true})
	if err != nil {
		return failed(name, title, start, err)
	}
	defer px.Stop()
	targets := []target{
		{name: "direct", base: p.URL("characteristic"), pid: func() int { return 0 }},
		{name: "nginx", base: px.URL(), pid: px.PID},
		{name: "gateway", base: p.URL("gateway"), pid: func() int { return p.PIDs()["gateway"] }},
	}
	if port2, err := freePort(); err == nil {
		if quiet, err := nginx.Start(ctx, bin, nginx.Config{Dir: filepath.Join(dir, "nginx-nolog"), Listen: "127.0.0.1:" + strconv.Itoa(port2),
			Upstream: p.URL("characteristic"), Keepalive: 128}); err == nil {
			defer quiet.Stop()
			targets = append(targets, target{name: nginxNoLog, base: quiet.URL(), pid: quiet.PID})
		} else {
			env.Log.Warn("nginx without access log did not start", "error", err)
		}
	}
	pids := p.PIDs()
	hc := client.HTTP
	token := client.Token
	op := func(base string) load.Op {
		url := base + gatewayRoute
		return func(ctx context.Context, _ int64) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := hc.Do(req)
			if err != nil {
				return err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("status %d", resp.StatusCode)
			}
			return nil
		}
	}
	type acc struct {
		samples []time.Duration
		ok      int
		errs    int
		elapsed time.Duration
		cpu     time.Duration
		svcCPU  time.Duration
		lastErr error
	}
	results := map[string]*acc{}
	for _, t := range targets {
		results[t.name] = &acc{}
	}
	for range gatewayRounds {
		for _, t := range targets {
			var cpu0, svc0 time.Duration
			if pid := t.pid(); pid > 0 {
				cpu0 = procstat.TreeCPUTime(pid)
			}
			svc0, _ = procstat.CPUTime(pids["characteristic"])
			r := load.Closed(ctx, gatewayConc, gatewayWarm, gatewayRun, op(t.base))
			a := results[t.name]
			if pid := t.pid(); pid > 0 {
				a.cpu += procstat.TreeCPUTime(pid) - cpu0
			}
			svc1, _ := procstat.CPUTime(pids["characteristic"])
			a.svcCPU += svc1 - svc0
			a.samples = append(a.samples, r.Samples...)
			a.ok += r.Latency.Count
			a.errs += r.Errors
			a.elapsed += r.Elapsed
			if r.LastErr != nil {
				a.lastErr = r.LastErr
			}
		}
	}
	sum := map[string]stats.Summary{}
	rps := map[string]float64{}
	for _, t := range targets {
		a := results[t.name]
		sum[t.name] = stats.Summarize(a.samples)
		rps[t.name] = float64(a.ok) / a.elapsed.Seconds()
	}
	sec := report.Section{Name: name, Title: title,
		Method: fmt.Sprintf("`GET %s` with an ADMIN token, %d concurrent keep-alive clients, %d interleaved rounds of %s (after %s warm-up) per path; "+
			"the characteristic service verifies the JWT on every path, the gateway verifies it again at the edge (rate limits off). "+
			"nginx %s runs as a child with a generated config (keep-alive upstream pool) and, like the gateway, writes an access log line per request; "+
			"the nginx-nolog row, nginx with its access log off, is evidence only. CPU per request is the proxy process's "+
			"user+system time from /proc divided by the requests it served.", gatewayRoute, gatewayConc, gatewayRounds, gatewayRun, gatewayWarm, nginxVersion(bin)),
		Table: report.Table{Header: []string{"path", "req/s", "p50 ms", "p99 ms", "added p50 ms", "proxy CPU µs/req", "service CPU µs/req", "errors"}},
	}
	for _, t := range targets {
		a := results[t.name]
		s := sum[t.name]
		proxyCPU := "—"
		if t.name != "direct" && a.ok > 0 {
			proxyCPU = fmt.Sprintf("%.0f", float64(a.cpu.Microseconds())/float64(a.ok))
		}
		svcCPU := "—"
		if a.ok > 0 {
			svcCPU = fmt.Sprintf("%.0f", float64(a.svcCPU.Microseconds())/float64(a.ok))
		}
		sec.Table.Rows = append(sec.Table.Rows, []string{t.name, num(rps[t.name]), ms(s.P50), ms(s.P99),
			ms(s.P50 - sum["direct"].P50), proxyCPU, svcCPU, strconv.Itoa(a.errs)})
		if a.lastErr != nil {
			sec.Notes = append(sec.Notes, fmt.Sprintf("%s: last error `%v`", t.name, a.lastErr))
		}
	}
	ratio := 0.0
	if rps["nginx"] > 0 {
		ratio = rps["gateway"] / rps["nginx"]
	}
	g := report.Goal{Text: "gateway throughput ≥ 80% of nginx's (while verifying JWTs)",
		Measured: fmt.Sprintf("%s (%s vs %s req/s)", pct(ratio), num(rps["gateway"]), num(rps["nginx"])), Met: ratio >= 0.8}
	if !g.Met {
		g.Miss = fmt.Sprintf("%.0f points short", (0.8-ratio)*100)
	}
	sec.Goals = append(sec.Goals, g)
	sec.Notes = append(sec.Notes, fmt.Sprintf("gateway vs direct: %s of the direct throughput; added median latency %s ms (nginx: %s ms).",
		pct(rps["gateway"]/max(rps["direct"], 1)), ms(sum["gateway"].P50-sum["direct"].P50), ms(sum["nginx"].P50-sum["direct"].P50)))
	if env.Profile {
		sec.Notes = append(sec.Notes, profileUnderLoad(ctx, "gateway", pids["gateway"], op(p.URL("gateway")))...)
	}
	var labels []string
	var rv, p50v, p99v []float64
	for _, t := range targets {
		labels = append(labels, t.name)
		rv = append(rv, rps[t.name])
		p50v = append(p50v, stats.Ms(sum[t.name].P50))
		p99v = append(p99v, stats.Ms(sum[t.name].P99))
	}
	if r, ok := rps[nginxNoLog]; ok && r > 0 {
		sec.Notes = append(sec.Notes, fmt.Sprintf("nginx without its access log serves %s req/s; the gateway reaches %s of that (evidence only: the goal compares proxies that both log every request).",
			num(r), pct(rps["gateway"]/r)))
	}
	sec.Charts = []report.Chart{
		{File: "gateway-throughput.png", Title: "Throughput at 32 clients", YLabel: "req/s", Kind: report.Bars, Labels: labels,
			Series: []report.Series{{Name: "req/s", Values: rv}}},
		{File: "gateway-latency.png", Title: "Latency at 32 clients", YLabel: "ms", Kind: report.Bars, Labels: labels,
			Series: []report.Series{{Name: "p50", Values: p50v}, {Name: "p99", Values: p99v}}},
	}
	sec.Elapsed = time.Since(start)
	return sec
}

// nginxNoLog names the evidence row: nginx with its access log off.
const nginxNoLog = "nginx-nolog"

// profileUnderLoad samples pid with perf for 4 s while op runs at the gateway concurrency.
func profileUnderLoad(ctx context.Context, svc string, pid int, op load.Op) []string {
	return profileDuring(ctx, svc, pid, 4*time.Second, func(ctx context.Context) {
		load.Closed(ctx, gatewayConc, 0, 6*time.Second, op)
	})
}

// perfLines records pid for d and renders the self and cumulative top symbols.
func perfLines(ctx context.Context, svc string, pid int, d time.Duration) []string {
	res, err := profile.Perf(ctx, pid, d, 5000)
	if err != nil {
		return []string{fmt.Sprintf("%s profile: %v", svc, err)}
	}
	return []string{
		fmt.Sprintf("%s CPU by origin (perf, self time summed): %s", svc, profile.FormatGroups(profile.GroupSelf(res.Self))),
		fmt.Sprintf("%s hottest functions (self): %s", svc, profile.Format(res.Self[:min(8, len(res.Self))])),
		fmt.Sprintf("%s CPU profile, cumulative, our code and its libraries: %s", svc, profile.Format(profile.Filter(res.Cumulative, 16,
			"tmfcatalog", "crypto/", "otel", "slog", "encoding/json", "httputil", "prometheus", "mongo", "bleve", "pgx", "amqp", "jwt"))),
	}
}
