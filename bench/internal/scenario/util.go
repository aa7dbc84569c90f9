package scenario

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/procstat"
)

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func nginxVersion(bin string) string {
	out, err := exec.Command(bin, "-v").CombinedOutput()
	if err != nil {
		return ""
	}
	s := strings.TrimSpace(string(out))
	if _, v, ok := strings.Cut(s, "nginx/"); ok {
		return v
	}
	return s
}

// selfName labels the benchmark's own process in CPU accounting: it also hosts the dev
// stack's embedded FerretDB (the store's MongoDB here).
const selfName = "bench process (incl. embedded FerretDB)"

// cpuSnapshot reads the CPU time used so far by every platform process and this one.
func cpuSnapshot(pids map[string]int) map[string]time.Duration {
	out := map[string]time.Duration{}
	for n, pid := range pids {
		if d, err := procstat.CPUTime(pid); err == nil {
			out[n] = d
		}
	}
	if d, err := procstat.CPUTime(os.Getpid()); err == nil {
		out[selfName] = d
	}
	return out
}

// cpuUse renders the busiest processes between two snapshots as shares of one core over wall.
func cpuUse(before, after map[string]time.Duration, wall time.Duration) string {
	type use struct {
		name string
		d    time.Duration
	}
	var all []use
	for n, a := range after {
		if d := a - before[n]; d > 0 {
			all = append(all, use{n, d})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].d > all[j].d })
	var parts []string
	for _, u := range all[:min(6, len(all))] {
		parts = append(parts, fmt.Sprintf("%s %.0f%%", u.name, 100*u.d.Seconds()/wall.Seconds()))
	}
	return strings.Join(parts, ", ") + " (of one core; the machine has " + fmt.Sprint(runtime.NumCPU()) + ")"
}
