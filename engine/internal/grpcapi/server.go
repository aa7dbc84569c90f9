// Package grpcapi serves the Zeebe gateway gRPC API (pb.GatewayServer) on top of the engine,
// so the official Zeebe clients talk to it unchanged. Calls the engine does not implement
// answer Unimplemented.
package grpcapi

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/camunda/zeebe/clients/go/v8/pkg/pb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tmfcatalog/platform/engine/internal/engine"
)

// GatewayVersion is what Topology reports; it matches the client API level we implement.
const GatewayVersion = "8.3.0"

// Server implements pb.GatewayServer.
type Server struct {
	pb.UnimplementedGatewayServer
	eng      *engine.Engine
	log      *slog.Logger
	host     string
	port     int32
	shutdown context.Context
}

// New returns a gateway server for eng; host and port are what Topology advertises.
func New(eng *engine.Engine, log *slog.Logger, host string, port int32) *Server {
	return &Server{eng: eng, log: log, host: host, port: port, shutdown: context.Background()}
}

// EndLongPollsWhen makes pending ActivateJobs long polls return (empty) once ctx is done, so a
// graceful stop does not wait for their request timeouts.
func (s *Server) EndLongPollsWhen(ctx context.Context) *Server {
	s.shutdown = ctx
	return s
}

// Register creates a grpc.Server serving s.
func (s *Server) Register(opts ...grpc.ServerOption) *grpc.Server {
	srv := grpc.NewServer(opts...)
	pb.RegisterGatewayServer(srv, s)
	return srv
}

// toStatus maps engine errors to gRPC status codes (the one place that does).
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, engine.ErrNotFound):
		return status.Error(codes.NotFound, err.Error())
	case errors.Is(err, engine.ErrInvalidState):
		return status.Error(codes.FailedPrecondition, err.Error())
	case errors.Is(err, engine.ErrInvalidArgument):
		return status.Error(codes.InvalidArgument, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	}
	return status.Error(codes.Internal, "internal engine error: "+err.Error())
}

// Topology reports one broker with one partition, led by this engine.
func (s *Server) Topology(context.Context, *pb.TopologyRequest) (*pb.TopologyResponse, error) {
	return &pb.TopologyResponse{
		Brokers: []*pb.BrokerInfo{{
			NodeId: 0, Host: s.host, Port: s.port, Version: GatewayVersion,
			Partitions: []*pb.Partition{{PartitionId: 1, Role: pb.Partition_LEADER, Health: pb.Partition_HEALTHY}},
		}},
		ClusterSize: 1, PartitionsCount: 1, ReplicationFactor: 1, GatewayVersion: GatewayVersion,
	}, nil
}

// DeployResource deploys BPMN resources.
func (s *Server) DeployResource(ctx context.Context, req *pb.DeployResourceRequest) (*pb.DeployResourceResponse, error) {
	res := make([]engine.Resource, 0, len(req.GetResources()))
	for _, r := range req.GetResources() {
		res = append(res, engine.Resource{Name: r.GetName(), Content: r.GetContent()})
	}
	key, procs, err := s.eng.Deploy(ctx, res)
	if err != nil {
		return nil, toStatus(err)
	}
	out := &pb.DeployResourceResponse{Key: key}
	for _, p := range procs {
		out.Deployments = append(out.Deployments, &pb.Deployment{Metadata: &pb.Deployment_Process{Process: &pb.ProcessMetadata{
			BpmnProcessId: p.ProcessID, Version: p.Version, ProcessDefinitionKey: p.Key, ResourceName: p.ResourceName,
		}}})
	}
	return out, nil
}

// DeployProcess is the deprecated deploy call, kept for older clients.
//
//lint:ignore SA1019 serving the deprecated call is the point
func (s *Server) DeployProcess(ctx context.Context, req *pb.DeployProcessRequest) (*pb.DeployProcessResponse, error) {
	res := make([]engine.Resource, 0, len(req.GetProcesses()))
	for _, r := range req.GetProcesses() {
		res = append(res, engine.Resource{Name: r.GetName(), Content: r.GetDefinition()})
	}
	key, procs, err := s.eng.Deploy(ctx, res)
	if err != nil {
		return nil, toStatus(err)
	}
	out := &pb.DeployProcessResponse{Key: key} //lint:ignore SA1019 the deprecated call's own answer
	for _, p := range procs {
		out.Processes = append(out.Processes, &pb.ProcessMetadata{
			BpmnProcessId: p.ProcessID, Version: p.Version, ProcessDefinitionKey: p.Key, ResourceName: p.ResourceName,
		})
	}
	return out, nil
}

func createRequest(req *pb.CreateProcessInstanceRequest) (engine.CreateRequest, error) {
	if len(req.GetStartInstructions()) > 0 {
		return engine.CreateRequest{}, status.Error(codes.Unimplemented, "start instructions are not supported by this engine")
	}
	return engine.CreateRequest{
		DefinitionKey: req.GetProcessDefinitionKey(),
		ProcessID:     req.GetBpmnProcessId(),
		Version:       req.GetVersion(),
		Variables:     req.GetVariables(),
	}, nil
}

// CreateProcessInstance starts an instance.
func (s *Server) CreateProcessInstance(ctx context.Context, req *pb.CreateProcessInstanceRequest) (*pb.CreateProcessInstanceResponse, error) {
	cr, err := createRequest(req)
	if err != nil {
		return nil, err
	}
	c, err := s.eng.CreateInstance(ctx, cr)
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.CreateProcessInstanceResponse{
		ProcessDefinitionKey: c.DefinitionKey, BpmnProcessId: c.ProcessID, Version: c.Version, ProcessInstanceKey: c.InstanceKey,
	}, nil
}

// CreateProcessInstanceWithResult starts an instance and waits for it to complete.
func (s *Server) CreateProcessInstanceWithResult(ctx context.Context, req *pb.CreateProcessInstanceWithResultRequest) (*pb.CreateProcessInstanceWithResultResponse, error) {
	cr, err := createRequest(req.GetRequest())
	if err != nil {
		return nil, err
	}
	c, err := s.eng.CreateInstance(ctx, cr)
	if err != nil {
		return nil, toStatus(err)
	}
	if t := req.GetRequestTimeout(); t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(t)*time.Millisecond)
		defer cancel()
	}
	vars, err := s.eng.AwaitResult(ctx, c.InstanceKey, req.GetFetchVariables())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.CreateProcessInstanceWithResultResponse{
		ProcessDefinitionKey: c.DefinitionKey, BpmnProcessId: c.ProcessID, Version: c.Version,
		ProcessInstanceKey: c.InstanceKey, Variables: vars,
	}, nil
}

// ActivateJobs long-polls for jobs and streams one batch.
func (s *Server) ActivateJobs(req *pb.ActivateJobsRequest, stream pb.Gateway_ActivateJobsServer) error {
	ar := engine.ActivateRequest{
		Type:           req.GetType(),
		Worker:         req.GetWorker(),
		Timeout:        time.Duration(req.GetTimeout()) * time.Millisecond,
		MaxJobs:        req.GetMaxJobsToActivate(),
		FetchVariables: req.GetFetchVariable(),
		RequestTimeout: time.Duration(req.GetRequestTimeout()) * time.Millisecond,
	}
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	defer context.AfterFunc(s.shutdown, cancel)()
	err := s.eng.ActivateJobs(ctx, ar, func(jobs []engine.ActivatedJob) error {
		out := make([]*pb.ActivatedJob, 0, len(jobs))
		for _, j := range jobs {
			out = append(out, &pb.ActivatedJob{
				Key: j.Key, Type: j.Type, ProcessInstanceKey: j.ProcessInstanceKey, BpmnProcessId: j.BPMNProcessID,
				ProcessDefinitionVersion: j.Version, ProcessDefinitionKey: j.DefinitionKey, ElementId: j.ElementID,
				ElementInstanceKey: j.ElementInstanceKey, CustomHeaders: j.CustomHeaders, Worker: j.Worker,
				Retries: j.Retries, Deadline: j.Deadline.UnixMilli(), Variables: j.Variables,
			})
		}
		return stream.Send(&pb.ActivateJobsResponse{Jobs: out})
	})
	if err != nil && ctx.Err() == nil {
		return toStatus(err)
	}
	return nil
}

// CompleteJob completes a job.
func (s *Server) CompleteJob(ctx context.Context, req *pb.CompleteJobRequest) (*pb.CompleteJobResponse, error) {
	if err := s.eng.CompleteJob(ctx, req.GetJobKey(), req.GetVariables()); err != nil {
		return nil, toStatus(err)
	}
	return &pb.CompleteJobResponse{}, nil
}

// FailJob fails a job with retries and backoff.
func (s *Server) FailJob(ctx context.Context, req *pb.FailJobRequest) (*pb.FailJobResponse, error) {
	err := s.eng.FailJob(ctx, req.GetJobKey(), req.GetRetries(), time.Duration(req.GetRetryBackOff())*time.Millisecond,
		req.GetErrorMessage(), req.GetVariables())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.FailJobResponse{}, nil
}

// ThrowError throws a BPMN error from a job.
func (s *Server) ThrowError(ctx context.Context, req *pb.ThrowErrorRequest) (*pb.ThrowErrorResponse, error) {
	if err := s.eng.ThrowError(ctx, req.GetJobKey(), req.GetErrorCode(), req.GetErrorMessage(), req.GetVariables()); err != nil {
		return nil, toStatus(err)
	}
	return &pb.ThrowErrorResponse{}, nil
}

// UpdateJobRetries sets a job's retries.
func (s *Server) UpdateJobRetries(ctx context.Context, req *pb.UpdateJobRetriesRequest) (*pb.UpdateJobRetriesResponse, error) {
	if err := s.eng.UpdateJobRetries(ctx, req.GetJobKey(), req.GetRetries()); err != nil {
		return nil, toStatus(err)
	}
	return &pb.UpdateJobRetriesResponse{}, nil
}

// ResolveIncident resolves an incident.
func (s *Server) ResolveIncident(ctx context.Context, req *pb.ResolveIncidentRequest) (*pb.ResolveIncidentResponse, error) {
	if err := s.eng.ResolveIncident(ctx, req.GetIncidentKey(), false); err != nil {
		return nil, toStatus(err)
	}
	return &pb.ResolveIncidentResponse{}, nil
}

// CancelProcessInstance cancels an instance.
func (s *Server) CancelProcessInstance(ctx context.Context, req *pb.CancelProcessInstanceRequest) (*pb.CancelProcessInstanceResponse, error) {
	if err := s.eng.CancelInstance(ctx, req.GetProcessInstanceKey()); err != nil {
		return nil, toStatus(err)
	}
	return &pb.CancelProcessInstanceResponse{}, nil
}

// SetVariables merges variables into an instance.
func (s *Server) SetVariables(ctx context.Context, req *pb.SetVariablesRequest) (*pb.SetVariablesResponse, error) {
	key, err := s.eng.SetVariables(ctx, req.GetElementInstanceKey(), req.GetVariables())
	if err != nil {
		return nil, toStatus(err)
	}
	return &pb.SetVariablesResponse{Key: key}, nil
}
