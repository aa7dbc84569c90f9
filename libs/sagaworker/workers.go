package sagaworker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/camunda/zeebe/clients/go/v8/pkg/entities"
	"github.com/camunda/zeebe/clients/go/v8/pkg/worker"
	"github.com/camunda/zeebe/clients/go/v8/pkg/zbc"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	grpccodes "google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Handler does the work of one job. The returned variables are merged into the process
// instance on completion. Return BusinessError to compensate, any other error to retry.
type Handler func(ctx context.Context, job Job) (vars map[string]any, err error)

// Options tune the job workers; zero values take the defaults.
type Options struct {
	// Name identifies the worker to the engine (default "sagaworker").
	Name string
	// JobTimeout is how long a job stays locked to this worker before the engine offers it
	// again (default 30s). It must stay well below the saga's timeout, so a worker that died
	// after committing its step is replaced before the deadline compensates the saga.
	JobTimeout time.Duration
	// MaxJobsActive bounds the jobs held per job type (default 32).
	MaxJobsActive int
	// Concurrency is the number of handler goroutines per job type (default 16: a step that
	// waits, e.g. for a replica, must not hold up the publications behind it).
	Concurrency int
	// ShutdownGrace is how long a job outcome is still retried once the service stops
	// (default 2s; see deliver).
	ShutdownGrace time.Duration
	// RequestTimeout is the long-poll duration of one activation request (default 2s). Closing
	// a worker waits for the poll in flight, so it also bounds how long shutdown takes.
	RequestTimeout time.Duration
	// PollInterval is how long the client waits, after an activation returned jobs, before it
	// asks again while no handler has finished (default 10ms; the Zeebe client's own default,
	// 100ms, left jobs created meanwhile waiting that long under concurrent sagas). The next
	// activation is a long poll, so a short interval costs no busy polling.
	PollInterval time.Duration
	// Retries is the retry count the BPMN gives each task (default 5); it turns the remaining
	// retries of a job into the attempt number that sets the backoff.
	Retries int32
	// Context, when set, enriches the handler context (e.g. puts the correlation id where the
	// service's logger finds it). It runs after the trace context has been continued.
	Context func(ctx context.Context, job Job) context.Context
}

func (o *Options) setDefaults() {
	if o.Name == "" {
		o.Name = "sagaworker"
	}
	if o.JobTimeout <= 0 {
		o.JobTimeout = 30 * time.Second
	}
	if o.MaxJobsActive <= 0 {
		o.MaxJobsActive = 32
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = 2 * time.Second
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 2 * time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 10 * time.Millisecond
	}
	if o.Retries <= 0 {
		o.Retries = 5
	}
}

// Workers runs one Zeebe job worker per registered job type.
type Workers struct {
	client   zbc.Client
	log      *slog.Logger
	opts     Options
	mu       sync.Mutex
	handlers map[string]Handler
}

// New returns Workers that use client and log, with default options.
func New(client zbc.Client, log *slog.Logger) *Workers {
	return NewWithOptions(client, log, Options{})
}

// NewWithOptions returns Workers with the given options.
func NewWithOptions(client zbc.Client, log *slog.Logger, opts Options) *Workers {
	opts.setDefaults()
	if log == nil {
		log = slog.Default()
	}
	return &Workers{client: client, log: log, opts: opts, handlers: map[string]Handler{}}
}

// Handle registers h for jobType; registering a type twice replaces the handler.
func (w *Workers) Handle(jobType string, h Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.handlers[jobType] = h
}

// Run opens one job worker per registered type and blocks until ctx is done; then it stops
// asking for jobs, lets in-flight handlers finish and returns nil.
func (w *Workers) Run(ctx context.Context) error {
	w.mu.Lock()
	handlers := make(map[string]Handler, len(w.handlers))
	for k, v := range w.handlers {
		handlers[k] = v
	}
	w.mu.Unlock()
	if len(handlers) == 0 {
		return errors.New("sagaworker: no job handlers registered")
	}
	opened := make([]worker.JobWorker, 0, len(handlers))
	for jobType, h := range handlers {
		jw := w.client.NewJobWorker().
			JobType(jobType).
			Handler(w.dispatch(ctx, h)).
			Name(w.opts.Name).
			Timeout(w.opts.JobTimeout).
			MaxJobsActive(w.opts.MaxJobsActive).
			Concurrency(w.opts.Concurrency).
			RequestTimeout(w.opts.RequestTimeout).
			PollInterval(w.opts.PollInterval).
			Open()
		opened = append(opened, jw)
		w.log.InfoContext(ctx, "job worker opened", "job_type", jobType, "worker", w.opts.Name)
	}
	<-ctx.Done()
	var wg sync.WaitGroup
	for _, jw := range opened {
		wg.Go(jw.Close)
	}
	wg.Wait()
	w.log.Info("job workers stopped", "count", len(opened))
	return nil
}

// dispatch adapts h to the client's handler signature. Commands to the engine use a context
// detached from runCtx's cancellation so that in-flight jobs still report their outcome
// during shutdown.
func (w *Workers) dispatch(runCtx context.Context, h Handler) worker.JobHandler {
	base := context.WithoutCancel(runCtx)
	return func(client worker.JobClient, raw entities.Job) {
		job, err := toJob(raw)
		ctx := base
		if err == nil {
			ctx = w.jobContext(ctx, job)
		}
		ctx, span := otel.Tracer("github.com/tmfcatalog/platform/libs/sagaworker").Start(ctx, SpanName(raw.GetBpmnProcessId(), raw.GetType()),
			trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(
				attribute.String("zeebe.job.type", raw.GetType()),
				attribute.Int64("zeebe.job.key", raw.GetKey()),
				attribute.Int64("zeebe.process_instance.key", raw.GetProcessInstanceKey()),
				attribute.String("zeebe.bpmn_process_id", raw.GetBpmnProcessId()),
			))
		defer span.End()
		started := time.Now()
		var vars map[string]any
		if err == nil {
			vars, err = w.call(ctx, h, job)
		} else {
			err = fmt.Errorf("decode job %d: %w", raw.GetKey(), err)
		}
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		observeJob(raw.GetType(), err, time.Since(started))
		w.report(ctx, runCtx, client, job, raw, vars, err)
	}
}

// jobContext continues the trace from trace_context and applies Options.Context.
func (w *Workers) jobContext(ctx context.Context, job Job) context.Context {
	if tc := job.StringMap(VarTraceContext); len(tc) > 0 {
		ctx = otel.GetTextMapPropagator().Extract(ctx, propagation.MapCarrier(tc))
	}
	ctx = withCorrelation(ctx, job.String(VarCorrelationID))
	if w.opts.Context != nil {
		ctx = w.opts.Context(ctx, job)
	}
	return ctx
}

// call runs h with the job's deadline and turns a panic into an error.
func (w *Workers) call(ctx context.Context, h Handler, job Job) (vars map[string]any, err error) {
	if !job.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, job.Deadline)
		defer cancel()
	}
	defer func() {
		if r := recover(); r != nil {
			w.log.ErrorContext(ctx, "job handler panicked", "job_type", job.Type, "job_key", job.Key,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("job handler panicked: %v", r)
		}
	}()
	return h(ctx, job)
}

// report tells the engine how the job ended.
func (w *Workers) report(ctx, runCtx context.Context, client worker.JobClient, job Job, raw entities.Job, vars map[string]any, err error) {
	key := raw.GetKey()
	log := w.log.With("job_type", raw.GetType(), "job_key", key, "process_instance_key", raw.GetProcessInstanceKey())
	if err == nil {
		cerr := w.deliver(ctx, runCtx, func(sendCtx context.Context) error {
			cmd, err := client.NewCompleteJobCommand().JobKey(key).VariablesFromMap(nonNil(vars))
			if err != nil {
				return err
			}
			_, err = cmd.Send(sendCtx)
			return err
		})
		if cerr != nil {
			log.ErrorContext(ctx, "complete job", "error", cerr)
			return
		}
		log.InfoContext(ctx, "job completed")
		return
	}
	if reason, ok := IsBusinessError(err); ok {
		cerr := w.deliver(ctx, runCtx, func(sendCtx context.Context) error {
			cmd, err := client.NewThrowErrorCommand().JobKey(key).ErrorCode(ErrorCode).ErrorMessage(reason).
				VariablesFromMap(map[string]any{VarFailureReason: reason, VarFailedStep: raw.GetType()})
			if err != nil {
				return err
			}
			_, err = cmd.Send(sendCtx)
			return err
		})
		if cerr != nil {
			log.ErrorContext(ctx, "throw error", "error", cerr)
			return
		}
		log.InfoContext(ctx, "job threw business error", "reason", reason)
		return
	}
	retries := raw.GetRetries() - 1
	backoff := Backoff(int(w.opts.Retries - retries))
	ferr := w.deliver(ctx, runCtx, func(sendCtx context.Context) error {
		_, err := client.NewFailJobCommand().JobKey(key).Retries(max(retries, 0)).RetryBackoff(backoff).
			ErrorMessage(err.Error()).Send(sendCtx)
		return err
	})
	if ferr != nil {
		log.ErrorContext(ctx, "fail job", "error", ferr, "cause", err)
		return
	}
	log.WarnContext(ctx, "job failed", "error", err, "retries_left", max(retries, 0), "backoff", backoff.String())
	_ = job
}

// deliver sends a job's outcome, retrying while the engine is unreachable: the handler's
// effect is already committed, and an outcome lost to an engine restart would leave the job
// to time out and the saga to compensate work that succeeded. It gives up when the job's own
// timeout has passed (the engine offers the job again then) or ctx ends. Once runCtx ends (the
// service is stopping, and the engine may be stopping with it) it keeps trying for
// ShutdownGrace only, so a stop is not held up for a whole job timeout.
func (w *Workers) deliver(ctx, runCtx context.Context, send func(context.Context) error) error {
	deadline, cancel := context.WithTimeout(ctx, w.opts.JobTimeout)
	defer cancel()
	stopWatch := context.AfterFunc(runCtx, func() { time.AfterFunc(w.opts.ShutdownGrace, cancel) })
	defer stopWatch()
	wait := 100 * time.Millisecond
	for {
		sendCtx, sendCancel := context.WithTimeout(deadline, 10*time.Second)
		err := send(sendCtx)
		sendCancel()
		if err == nil || !retryable(err) {
			return err
		}
		select {
		case <-deadline.Done():
			return fmt.Errorf("engine unreachable until the job timed out: %w", err)
		case <-time.After(wait):
		}
		wait = min(wait*2, 2*time.Second)
	}
}

// retryable reports whether an outcome may go through on a later try.
func retryable(err error) bool {
	switch status.Code(err) {
	case grpccodes.Unavailable, grpccodes.DeadlineExceeded, grpccodes.ResourceExhausted:
		return true
	}
	return false
}

func nonNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// toJob converts the client's job into ours.
func toJob(raw entities.Job) (Job, error) {
	job := Job{
		Key:                raw.GetKey(),
		Type:               raw.GetType(),
		Retries:            raw.GetRetries(),
		ProcessInstanceKey: raw.GetProcessInstanceKey(),
		BPMNProcessID:      raw.GetBpmnProcessId(),
		ElementID:          raw.GetElementId(),
		Variables:          map[string]any{},
	}
	if d := raw.GetDeadline(); d > 0 {
		job.Deadline = time.UnixMilli(d)
	}
	if v := raw.GetVariables(); v != "" {
		if err := json.Unmarshal([]byte(v), &job.Variables); err != nil {
			return job, fmt.Errorf("variables: %w", err)
		}
	}
	if h := raw.GetCustomHeaders(); h != "" {
		if err := json.Unmarshal([]byte(h), &job.Headers); err != nil {
			return job, fmt.Errorf("custom headers: %w", err)
		}
	}
	return job, nil
}
