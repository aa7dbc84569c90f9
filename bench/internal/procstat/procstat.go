// Package procstat reads a process's resident memory and CPU time from /proc.
package procstat

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// RSSKiB returns VmRSS of pid in KiB.
func RSSKiB(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read status of %d: %w", pid, err)
	}
	return ParseVmRSS(string(b))
}

// ParseVmRSS extracts VmRSS (KiB) from a /proc/<pid>/status text.
func ParseVmRSS(status string) (int, error) {
	sc := bufio.NewScanner(strings.NewReader(status))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "VmRSS:" {
			return strconv.Atoi(f[1])
		}
	}
	return 0, fmt.Errorf("no VmRSS line")
}

// clockTick is USER_HZ, 100 on every Linux this runs on.
const clockTick = 100

// CPUTime returns user+system CPU time consumed by pid so far.
func CPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read stat of %d: %w", pid, err)
	}
	return ParseCPUTime(string(b))
}

// ParseCPUTime extracts utime+stime from a /proc/<pid>/stat line.
func ParseCPUTime(stat string) (time.Duration, error) {
	// The command name (field 2) may hold spaces; fields after the last ')' are fixed.
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat line")
	}
	f := strings.Fields(stat[i+1:])
	// f[0] is field 3 (state); utime is field 14, stime field 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("short stat line")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad utime/stime in stat line")
	}
	return time.Duration(u+s) * time.Second / clockTick, nil
}

// Children returns the pids whose parent is pid (nginx workers, for instance).
func Children(pid int) []int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return nil
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// TreeCPUTime is CPUTime of pid plus its direct children.
func TreeCPUTime(pid int) time.Duration {
	total, _ := CPUTime(pid)
	for _, c := range Children(pid) {
		d, _ := CPUTime(c)
		total += d
	}
	return total
}
