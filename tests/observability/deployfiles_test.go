package observability

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// onlyAfterFailures are vectors that have no series until something goes wrong, so a clean
// publication cannot show them.
var onlyAfterFailures = map[string]bool{
	"outbox_publish_failures_total": true,
	"messaging_failed_total":        true,
	"messaging_dead_lettered_total": true,
}

var metricName = regexp.MustCompile(`\b(?:http|gateway|outbox|messaging|saga_engine|sagaworker)_[a-z_]+\b`)

func TestDashboardAndAlertsQueryOnlySeriesTheServicesExpose(t *testing.T) {
	if _, err := published(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "deploy", "observability")
	dashboard, err := os.ReadFile(filepath.Join(dir, "grafana", "tmf-catalog-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(dashboard, &d); err != nil {
		t.Fatalf("dashboard is not JSON: %v", err)
	}
	alerts, err := os.ReadFile(filepath.Join(dir, "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var queries strings.Builder
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			queries.WriteString(tg.Expr + "\n")
		}
	}
	queries.Write(alerts)
	used := map[string]bool{}
	for _, m := range metricName.FindAllString(queries.String(), -1) {
		used[m] = true
	}
	if len(used) < 15 {
		t.Fatalf("dashboard and alerts use only %d series: %v", len(used), used)
	}

	// Queue depths appear with the consumers' first lag refresh (every 10 s): poll.
	eventually(t, 45*time.Second, func() string {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		exposed := map[string]bool{}
		for _, name := range stack.Components() {
			page, err := get(ctx, stack.URL(name)+"/metrics")
			if err != nil {
				return name + ": " + err.Error()
			}
			for _, s := range parse(page) {
				exposed[s.name] = true
			}
		}
		var unknown []string
		for m := range used {
			if !exposed[m] && !onlyAfterFailures[m] {
				unknown = append(unknown, m)
			}
		}
		sort.Strings(unknown)
		if len(unknown) > 0 {
			return "queried but exposed by no service: " + strings.Join(unknown, ", ")
		}
		return ""
	})
}
