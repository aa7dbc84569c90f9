package devstack

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// LogLine is one JSON log line with the file it came from.
type LogLine struct {
	Component string
	Time      time.Time
	Raw       string
}

// CorrelatedLines returns every line of logs/*.log in dir whose correlation_id is cid, across
// all components, in time order.
func CorrelatedLines(logDir, cid string) ([]LogLine, error) {
	files, err := filepath.Glob(filepath.Join(logDir, "*.log"))
	if err != nil {
		return nil, err
	}
	var out []LogLine
	for _, f := range files {
		lines, err := matchingLines(f, cid)
		if err != nil {
			return nil, err
		}
		out = append(out, lines...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, nil
}

func matchingLines(path, cid string) ([]LogLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	component := strings.TrimSuffix(filepath.Base(path), ".log")
	var out []LogLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	needle := `"correlation_id":"` + cid + `"`
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, needle) {
			continue
		}
		var rec struct {
			Time time.Time `json:"time"`
		}
		_ = json.Unmarshal([]byte(line), &rec) // a line without a time sorts first
		out = append(out, LogLine{Component: component, Time: rec.Time, Raw: line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// PrintLines writes lines as "component | json".
func PrintLines(w io.Writer, lines []LogLine) {
	for _, l := range lines {
		fmt.Fprintf(w, "%-15s | %s\n", l.Component, l.Raw)
	}
}
