package outbox

import (
	"context"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/messaging"
)

func TestClaimPoolIsTheRelaysOwnAndSkipsTheFlushWait(t *testing.T) {
	t.Parallel()
	pool, _ := pgtest.NewDB(t, nil, Migration(1))
	r := NewRelay(pool, nil, RelayConfig{Topology: messaging.Topology{Namespace: "t"}, Pipeline: 3}, nil)
	ctx := context.Background()
	claims, err := r.openClaimPool(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer claims.Close()

	if got := claims.Config().MaxConns; got != 3 {
		t.Errorf("claim pool holds up to %d connections, want Pipeline = 3", got)
	}
	var relaySetting, serviceSetting string
	if err := claims.QueryRow(ctx, "SHOW synchronous_commit").Scan(&relaySetting); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, "SHOW synchronous_commit").Scan(&serviceSetting); err != nil {
		t.Fatal(err)
	}
	if relaySetting != "off" {
		t.Errorf("relay sessions: synchronous_commit = %q, want off", relaySetting)
	}
	if serviceSetting == "off" {
		t.Errorf("the service's own pool was changed to synchronous_commit = off")
	}
}
