package zeebe_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/pgdb"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/postgres"
	"github.com/tmfcatalog/platform/services/offering/internal/adapters/zeebe"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
	"github.com/tmfcatalog/platform/services/offering/internal/domain"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(t *testing.T, timeout time.Duration, what func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		msg := what()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out: %s", msg)
		}
		<-tick.C
	}
}

// startEngine builds the repository's saga engine (/work/main/engine) and runs it on a fresh database;
// it returns the Zeebe gateway address.
func startEngine(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "engine")
	build := exec.Command("go", "build", "-o", bin, "github.com/tmfcatalog/platform/engine")
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the saga engine: %v\n%s", err, out)
	}
	dbURL := pgtest.URL(t)
	grpcAddr, opsAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "GRPC_ADDR="+grpcAddr, "OPS_ADDR="+opsAddr, "LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := pgdb.DropDatabase(ctx, dbURL); err != nil {
			t.Errorf("drop engine database: %v", err)
		}
	})
	waitFor(t, 60*time.Second, func() string {
		select {
		case err := <-exited:
			t.Fatalf("engine exited: %v", err)
		default:
		}
		resp, err := http.Get("http://" + opsAddr + "/health/ready")
		if err != nil {
			return "engine not ready: " + err.Error()
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Sprintf("engine ready answers %d", resp.StatusCode)
		}
		return ""
	})
	return grpcAddr
}

// stepLog records the variables each job type saw.
type stepLog struct {
	mu   sync.Mutex
	seen map[string][]map[string]any
}

func (s *stepLog) handler(jobType string, fail func(sagaworker.Job) error) sagaworker.Handler {
	return func(_ context.Context, job sagaworker.Job) (map[string]any, error) {
		s.mu.Lock()
		s.seen[jobType] = append(s.seen[jobType], job.Variables)
		s.mu.Unlock()
		if fail != nil {
			return nil, fail(job)
		}
		return nil, nil
	}
}

func (s *stepLog) count(jobType, offeringID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, v := range s.seen[jobType] {
		if v["offering_id"] == offeringID {
			n++
		}
	}
	return n
}

// The offering service's real use cases, starter and workers run the publication process on the real engine;
// the other services' steps are stand-ins that record their variables (and fail when told to).
func TestPublicationSagaOnTheRealEngine(t *testing.T) {
	t.Parallel()
	addr := startEngine(t)
	client, err := sagaworker.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })

	sqlFS, extra, _ := postgres.Migrations()
	pool, _ := pgtest.NewDB(t, sqlFS, extra...)
	svc := app.New(postgres.NewStore(pool), zeebe.NewStarter(client, time.Minute, 10*time.Second))

	failing := sync.Map{} // offering id → reason validate-specifications throws
	steps := &stepLog{seen: map[string][]map[string]any{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	workers := sagaworker.New(client, log)
	zeebe.Register(workers, svc)
	for _, jt := range []string{"lock-prices", "create-store-entry", "delete-store-entry", "unlock-prices"} {
		workers.Handle(jt, steps.handler(jt, nil))
	}
	workers.Handle("validate-specifications", steps.handler("validate-specifications", func(job sagaworker.Job) error {
		if reason, ok := failing.Load(job.String("offering_id")); ok {
			return sagaworker.BusinessError(reason.(string))
		}
		return nil
	}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- workers.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("workers: %v", err)
		}
	})

	newDraft := func(name string) domain.Offering {
		spec, price := uuid.New(), uuid.New()
		for kind, id := range map[app.ReplicaKind]uuid.UUID{app.ReplicaSpecifications: spec, app.ReplicaPrices: price} {
			if err := svc.ApplyReplica(ctx, app.ReplicaChange{EventID: uuid.NewString(), Kind: kind, ID: id, Version: 1}); err != nil {
				t.Fatal(err)
			}
		}
		c, _ := domain.ParseContent(domain.RawContent{Name: &name, SpecificationIDs: []string{spec.String()},
			PricingIDs: []string{price.String()}, SalesChannels: []string{"web"}})
		o, err := svc.Create(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	waitStatus := func(id uuid.UUID, want domain.Status) domain.Offering {
		var got domain.Offering
		waitFor(t, 60*time.Second, func() string {
			got, _ = svc.Get(ctx, id)
			if got.Status != want {
				return fmt.Sprintf("offering is %s, want %s", got.Status, want)
			}
			return ""
		})
		return got
	}

	t.Run("the happy path ends PUBLISHED with the contract's variables", func(t *testing.T) {
		o := newDraft("Happy")
		started, err := svc.Publish(ctx, o.ID)
		if err != nil || started.Status != domain.Publishing || started.ProcessInstanceKey == nil {
			t.Fatalf("publish: %+v %v", started, err)
		}
		got := waitStatus(o.ID, domain.Published)
		if got.PublishedAt == nil || got.SagaID != started.SagaID {
			t.Fatalf("published %+v", got)
		}
		steps.mu.Lock()
		vars := steps.seen["lock-prices"][0]
		steps.mu.Unlock()
		prices, _ := vars["price_ids"].([]any)
		if vars["saga_id"] != started.SagaID.UUID.String() || vars["saga_timeout"] != "PT1M" || len(prices) != 1 ||
			prices[0] != o.PricingIDs[0].String() {
			t.Fatalf("lock-prices saw %v", vars)
		}
	})
	t.Run("a business error compensates back to DRAFT with the reason", func(t *testing.T) {
		o := newDraft("Doomed")
		failing.Store(o.ID.String(), "specification gone")
		if _, err := svc.Publish(ctx, o.ID); err != nil {
			t.Fatal(err)
		}
		got := waitStatus(o.ID, domain.Draft)
		if got.FailureReason == nil || !strings.Contains(*got.FailureReason, "specification gone") {
			t.Fatalf("reverted %+v", got)
		}
		waitFor(t, 30*time.Second, func() string {
			if steps.count("unlock-prices", o.ID.String()) != 1 {
				return "unlock-prices did not run once"
			}
			return ""
		})
	})
}
