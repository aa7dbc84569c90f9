package scenario

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/platform"
	"github.com/tmfcatalog/platform/bench/internal/stats"
)

// sagaSteps reads, from the engine's ops API, the element history of every instance started
// since since, and summarises where a publication's time goes: each element's own duration
// (a service task: from job creation to completion, so it includes waiting for a worker) and
// the whole instance. It is evidence for the saga section, not a measurement of the goal.
func sagaSteps(ctx context.Context, c *platform.Client, engineURL string, since time.Time) (string, error) {
	ops := &platform.Client{Base: engineURL, Token: c.Token, HTTP: c.HTTP}
	var page struct {
		Items []struct {
			Key       int64      `json:"key"`
			StartedAt time.Time  `json:"started_at"`
			EndedAt   *time.Time `json:"ended_at"`
		} `json:"items"`
	}
	if err := ops.Do(ctx, "GET", "/api/instances?limit=500", nil, &page, 200); err != nil {
		return "", fmt.Errorf("list instances: %w", err)
	}
	byElement := map[string][]time.Duration{}
	var whole []time.Duration
	for _, it := range page.Items {
		if it.StartedAt.Before(since) || it.EndedAt == nil {
			continue
		}
		whole = append(whole, it.EndedAt.Sub(it.StartedAt))
		var detail struct {
			Elements []struct {
				ElementID string     `json:"element_id"`
				Type      string     `json:"element_type"`
				StartedAt time.Time  `json:"started_at"`
				EndedAt   *time.Time `json:"ended_at"`
			} `json:"elements"`
		}
		if err := ops.Do(ctx, "GET", fmt.Sprintf("/api/instances/%d", it.Key), nil, &detail, 200); err != nil {
			return "", fmt.Errorf("instance %d: %w", it.Key, err)
		}
		for _, e := range detail.Elements {
			if e.EndedAt == nil || !strings.Contains(strings.ToLower(e.Type), "task") {
				continue
			}
			byElement[e.ElementID] = append(byElement[e.ElementID], e.EndedAt.Sub(e.StartedAt))
		}
	}
	if len(whole) == 0 {
		return "", fmt.Errorf("no completed instance since %s", since.Format(time.TimeOnly))
	}
	ids := make([]string, 0, len(byElement))
	for id := range byElement {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	w := stats.Summarize(whole)
	parts := []string{fmt.Sprintf("instance start → end p50 %s / p99 %s ms (%d instances)", ms(w.P50), ms(w.P99), w.Count)}
	for _, id := range ids {
		s := stats.Summarize(byElement[id])
		parts = append(parts, fmt.Sprintf("`%s` p50 %s / p99 %s ms", id, ms(s.P50), ms(s.P99)))
	}
	return "where the 20-concurrent publications spent their time, from the engine's element history (a task's time runs from its job's creation to its completion): " +
		strings.Join(parts, "; ") + ".", nil
}
