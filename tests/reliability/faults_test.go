package reliability

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/tests/reliability/internal/chaos"
)

// TestFaultsUnderLoad is the short fault suite: each fault is injected once under a steady
// load of writes and publications through the gateway; afterwards every acknowledged write
// must be in its store and in every replica, and every publication must have ended.
func TestFaultsUnderLoad(t *testing.T) {
	env := &chaos.Env{Run: run, Gateway: gateway(adminToken), Logf: t.Logf}
	defer env.Close()
	for _, f := range chaos.ShortFaults() {
		t.Run(f.Name+" loses no acknowledged write", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			res := chaos.Run(ctx, env, f, chaos.Options{Workers: 2, Before: 2 * time.Second, After: 2 * time.Second,
				Recover: 2 * time.Minute, Settle: 90 * time.Second})
			t.Logf("%s: sent %d, acknowledged %d, lost %d, recovered in %s", f.Name, res.Sent, res.Acked, res.Lost, res.Recovery.Round(time.Millisecond))
			if res.Err != nil {
				t.Fatalf("%v; violations so far:\n%s", res.Err, strings.Join(res.Violations, "\n"))
			}
			if res.Acked == 0 {
				t.Fatal("the load got no write acknowledged")
			}
			if res.Lost != 0 || len(res.Violations) > 0 {
				t.Fatalf("lost %d acknowledged writes; violations:\n%s", res.Lost, strings.Join(res.Violations, "\n"))
			}
		})
	}
}
