package sagaworker

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/camunda/zeebe/clients/go/v8/pkg/pb"
	"github.com/camunda/zeebe/clients/go/v8/pkg/zbc"
	"google.golang.org/grpc"
)

// fakeGateway is a minimal Zeebe gateway: it hands out queued jobs and records outcomes.
type fakeGateway struct {
	pb.UnimplementedGatewayServer
	mu        sync.Mutex
	queued    map[string][]*pb.ActivatedJob
	wake      chan struct{}
	completed chan *pb.CompleteJobRequest
	failed    chan *pb.FailJobRequest
	thrown    chan *pb.ThrowErrorRequest
}

func newFakeGateway(t *testing.T) (*fakeGateway, zbc.Client) {
	t.Helper()
	g := &fakeGateway{
		queued:    map[string][]*pb.ActivatedJob{},
		wake:      make(chan struct{}, 1),
		completed: make(chan *pb.CompleteJobRequest, 16),
		failed:    make(chan *pb.FailJobRequest, 16),
		thrown:    make(chan *pb.ThrowErrorRequest, 16),
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	pb.RegisterGatewayServer(srv, g)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	client, err := Dial(context.Background(), ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Close() })
	return g, client
}

func (g *fakeGateway) enqueue(job *pb.ActivatedJob) {
	g.mu.Lock()
	g.queued[job.Type] = append(g.queued[job.Type], job)
	g.mu.Unlock()
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

func (g *fakeGateway) take(jobType string, n int32) []*pb.ActivatedJob {
	g.mu.Lock()
	defer g.mu.Unlock()
	q := g.queued[jobType]
	k := min(int(n), len(q))
	g.queued[jobType] = q[k:]
	return q[:k]
}

func (g *fakeGateway) ActivateJobs(req *pb.ActivateJobsRequest, stream pb.Gateway_ActivateJobsServer) error {
	deadline := time.After(time.Duration(req.RequestTimeout) * time.Millisecond)
	for {
		if jobs := g.take(req.Type, req.MaxJobsToActivate); len(jobs) > 0 {
			return stream.Send(&pb.ActivateJobsResponse{Jobs: jobs})
		}
		select {
		case <-g.wake:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			return nil
		case <-stream.Context().Done():
			return nil
		}
	}
}

func (g *fakeGateway) CompleteJob(_ context.Context, r *pb.CompleteJobRequest) (*pb.CompleteJobResponse, error) {
	g.completed <- r
	return &pb.CompleteJobResponse{}, nil
}

func (g *fakeGateway) FailJob(_ context.Context, r *pb.FailJobRequest) (*pb.FailJobResponse, error) {
	g.failed <- r
	return &pb.FailJobResponse{}, nil
}

func (g *fakeGateway) ThrowError(_ context.Context, r *pb.ThrowErrorRequest) (*pb.ThrowErrorResponse, error) {
	g.thrown <- r
	return &pb.ThrowErrorResponse{}, nil
}

// receive waits for one value from ch or fails the test after a deadline.
func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for the engine call")
		panic("unreachable")
	}
}
