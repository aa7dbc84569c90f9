package report

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// MachineFacts reads what the report says about the machine from /proc (fields stay empty
// where the files are missing).
func MachineFacts(now time.Time) Facts {
	f := Facts{Date: now, Cores: runtime.NumCPU(), GoVersion: runtime.Version()}
	f.Host, _ = os.Hostname()
	f.CPU = CPUModel(readFile("/proc/cpuinfo"))
	f.MemoryMiB = MemTotalMiB(readFile("/proc/meminfo"))
	f.Kernel = strings.TrimSpace(readFile("/proc/sys/kernel/osrelease"))
	if la := strings.Fields(readFile("/proc/loadavg")); len(la) >= 3 {
		f.LoadAvg = strings.Join(la[:3], " ")
	}
	return f
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

// CPUModel extracts the first "model name" of a /proc/cpuinfo text.
func CPUModel(cpuinfo string) string {
	sc := bufio.NewScanner(strings.NewReader(cpuinfo))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// MemTotalMiB extracts MemTotal from a /proc/meminfo text, in MiB.
func MemTotalMiB(meminfo string) int {
	sc := bufio.NewScanner(strings.NewReader(meminfo))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, _ := strconv.Atoi(fields[1])
			return kb / 1024
		}
	}
	return 0
}
