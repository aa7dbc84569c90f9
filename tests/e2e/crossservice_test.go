package e2e

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A characteristic reaches the specification service as an event: with the characteristic
// service stopped (so the fallback lookup cannot run), a new specification still accepts it.
// Once the characteristic service has learned of the reference from specification events,
// deleting the characteristic is refused with 409.
func TestCharacteristicEventsFeedSpecificationsAndReferencesBlockDeletes(t *testing.T) {
	gw := newClient(t, stack.URL("gateway"))
	admin := gw.login("admin", "admin")
	before := consumedEvents(t, stack.URL("specification"), "specification")
	ch := admin.createCharacteristic(unique("Latency"), "5", "Seconds")
	eventually(t, 30*time.Second, func() string {
		if consumedEvents(t, stack.URL("specification"), "specification") <= before {
			return "specification has not consumed the CharacteristicCreated event yet"
		}
		return ""
	})

	// Take the characteristic service away: from here on only specification's replica, fed by
	// the CharacteristicCreated event, can vouch for the id.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var spec specification
	func() {
		if err := stack.StopOne(ctx, "characteristic"); err != nil {
			t.Fatalf("stop characteristic: %v", err)
		}
		defer func() {
			if err := stack.Restart(ctx, "characteristic"); err != nil {
				t.Fatalf("restart characteristic: %v", err)
			}
		}()
		r := admin.do(http.MethodPost, "/api/v1/specifications",
			map[string]any{"name": unique("Low latency"), "characteristic_ids": []string{ch.ID}})
		if r.Status != http.StatusCreated {
			t.Fatalf("specification refused the replicated characteristic: %d %s", r.Status, r.Body)
		}
		r.decode(t, &spec)
	}()

	// The restarted characteristic service consumes the specification event queued while it
	// was down; its counters started at zero, so one consumed event is that one.
	eventually(t, 30*time.Second, func() string {
		if consumedEvents(t, stack.URL("characteristic"), "characteristic") < 1 {
			return "characteristic has not consumed the specification event yet"
		}
		return ""
	})
	r := admin.do(http.MethodDelete, "/api/v1/characteristics/"+ch.ID, nil)
	if r.Status != http.StatusConflict {
		t.Fatalf("deleting a characteristic referenced by specification %s = %d, want 409: %s", spec.ID, r.Status, r.Body)
	}
}

// consumedEvents reads messaging_consumed_total for a consumer group from a service's metrics.
func consumedEvents(t *testing.T, base, group string) float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	total := 0.0
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "messaging_consumed_total{") || !strings.Contains(line, `group="`+group+`"`) {
			continue
		}
		fields := strings.Fields(line)
		if v, err := strconv.ParseFloat(fields[len(fields)-1], 64); err == nil {
			total += v
		}
	}
	return total
}
