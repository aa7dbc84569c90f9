package grpcapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/camunda/zeebe/clients/go/v8/pkg/entities"
	"github.com/camunda/zeebe/clients/go/v8/pkg/pb"
	"github.com/camunda/zeebe/clients/go/v8/pkg/worker"
	"github.com/camunda/zeebe/clients/go/v8/pkg/zbc"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tmfcatalog/platform/engine/internal/engine"
	"github.com/tmfcatalog/platform/engine/internal/grpcapi"
	"github.com/tmfcatalog/platform/libs/chassis/pgdb/pgtest"
	"github.com/tmfcatalog/platform/migrations"
)

// harness is one engine process: pool, engine loop and gRPC server on 127.0.0.1:0.
type harness struct {
	t      testing.TB
	dbURL  string
	pool   *pgxpool.Pool
	eng    *engine.Engine
	client zbc.Client
	stop   func()
}

func testLogger() *slog.Logger {
	if os.Getenv("ENGINE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// newHarness creates a fresh database and starts an engine on it.
func newHarness(t testing.TB) *harness {
	t.Helper()
	fsys, err := migrations.For("engine")
	if err != nil {
		t.Fatal(err)
	}
	_, url := pgtest.NewDB(t, fsys)
	return startEngine(t, url)
}

// startEngine starts an engine on an existing, migrated database.
func startEngine(t testing.TB, dbURL string) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pool, err := engine.OpenDatabase(ctx, dbURL, 0)
	if err != nil {
		t.Fatal(err)
	}
	log := testLogger()
	eng := engine.New(pool, log, engine.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	srv := grpcapi.New(eng, log, "127.0.0.1", int32(addr.Port)).Register()
	var wg sync.WaitGroup
	wg.Go(func() { _ = srv.Serve(ln) })
	wg.Go(func() {
		if err := eng.Run(ctx); err != nil {
			t.Errorf("engine run: %v", err)
		}
	})
	select {
	case <-eng.Listening():
	case <-time.After(30 * time.Second):
		t.Fatal("engine did not start listening for notifications")
	}
	client, err := zbc.NewClient(&zbc.ClientConfig{GatewayAddress: addr.String(), UsePlaintextConnection: true})
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, dbURL: dbURL, pool: pool, eng: eng, client: client}
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			_ = client.Close()
			cancel()
			srv.Stop()
			wg.Wait()
			pool.Close()
		})
	}
	t.Cleanup(h.stop)
	return h
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (h *harness) deploy(name string, xml []byte) *pb.ProcessMetadata {
	h.t.Helper()
	resp, err := h.client.NewDeployResourceCommand().AddResource(xml, name).Send(ctxT(h.t))
	if err != nil {
		h.t.Fatalf("deploy %s: %v", name, err)
	}
	return resp.GetDeployments()[0].GetProcess()
}

func (h *harness) create(processID string, vars map[string]any) int64 {
	h.t.Helper()
	cmd, err := h.client.NewCreateInstanceCommand().BPMNProcessId(processID).LatestVersion().VariablesFromMap(vars)
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := cmd.Send(ctxT(h.t))
	if err != nil {
		h.t.Fatalf("create %s: %v", processID, err)
	}
	return resp.GetProcessInstanceKey()
}

// activate asks once for up to n jobs of jobType, long-polling up to 5s.
func (h *harness) activate(jobType string, n int32, timeout time.Duration) []entities.Job {
	h.t.Helper()
	return h.activateWithin(jobType, n, timeout, 5*time.Second)
}

// assertNoJob checks that no job of jobType is offered within a short long-poll.
func (h *harness) assertNoJob(jobType string) {
	h.t.Helper()
	if jobs := h.activateWithin(jobType, 10, time.Minute, 700*time.Millisecond); len(jobs) != 0 {
		h.t.Fatalf("a %s job was offered: %+v", jobType, jobs[0].ActivatedJob)
	}
}

func (h *harness) activateWithin(jobType string, n int32, timeout, poll time.Duration) []entities.Job {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(ctxT(h.t), poll) // the client long-polls until shortly before the ctx deadline
	defer cancel()
	jobs, err := h.client.NewActivateJobsCommand().JobType(jobType).MaxJobsToActivate(n).Timeout(timeout).
		WorkerName("test").Send(ctx)
	// A long poll that ends empty can race the client's own deadline on a busy machine; the
	// server then activated nothing (it claims only while the stream is alive).
	if status.Code(err) == codes.DeadlineExceeded && len(jobs) == 0 {
		return nil
	}
	if err != nil {
		h.t.Fatalf("activate %s: %v", jobType, err)
	}
	return jobs
}

// activateOne polls until one job of jobType is activated.
func (h *harness) activateOne(jobType string) entities.Job {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if jobs := h.activate(jobType, 1, time.Minute); len(jobs) == 1 {
			return jobs[0]
		}
	}
	h.t.Fatalf("no %s job within 30s", jobType)
	return entities.Job{}
}

func (h *harness) complete(job entities.Job, vars map[string]any) {
	h.t.Helper()
	if vars == nil {
		vars = map[string]any{}
	}
	cmd, err := h.client.NewCompleteJobCommand().JobKey(job.Key).VariablesFromMap(vars)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := cmd.Send(ctxT(h.t)); err != nil {
		h.t.Fatalf("complete %s: %v", job.Type, err)
	}
}

// instance reads an instance through the engine's query side.
func (h *harness) instance(key int64) engine.InstanceDetail {
	h.t.Helper()
	d, err := h.eng.Instance(ctxT(h.t), key)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// waitState polls until the instance is in state.
func (h *harness) waitState(key int64, state string) engine.InstanceDetail {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d := h.instance(key)
		if d.State == state {
			return d
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("instance %d is %s, want %s (current %v)", key, d.State, state, d.CurrentElementIDs)
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctxT(h.t).Done():
		}
	}
}

// runWorkers opens job workers with the official client; handlers get the job and answer
// through the client.
func (h *harness) runWorkers(handlers map[string]worker.JobHandler) {
	h.t.Helper()
	var ws []worker.JobWorker
	for jt, fn := range handlers {
		ws = append(ws, h.client.NewJobWorker().JobType(jt).Handler(fn).Name("fake").RequestTimeout(2*time.Second).Open())
	}
	h.t.Cleanup(func() {
		for _, w := range ws {
			w.Close()
		}
	})
}

func vars(t testing.TB, job entities.Job) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := json.Unmarshal([]byte(job.Variables), &m); err != nil {
		t.Fatal(err)
	}
	return m
}
