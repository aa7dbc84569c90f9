// Package zeebe connects the offering service to the saga engine: it starts the offering-publication process
// and runs the confirm-publication and revert-offering-to-draft job workers.
package zeebe

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/camunda/zeebe/clients/go/v8/pkg/zbc"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
	"github.com/tmfcatalog/platform/libs/sagaworker"
	"github.com/tmfcatalog/platform/services/offering/internal/app"
)

// ProcessID is the BPMN process id of the publication saga.
const ProcessID = "offering-publication"

// Starter implements app.SagaStarter with the official Zeebe client.
type Starter struct {
	client      zbc.Client
	sagaTimeout time.Duration
	callTimeout time.Duration
}

// NewStarter returns a Starter; sagaTimeout bounds the whole saga (variable saga_timeout), callTimeout the
// create-instance call.
func NewStarter(client zbc.Client, sagaTimeout, callTimeout time.Duration) *Starter {
	return &Starter{client: client, sagaTimeout: sagaTimeout, callTimeout: callTimeout}
}

// Variables returns the process variables of the saga contract for s, with ctx's correlation id and trace.
func (st *Starter) Variables(ctx context.Context, s app.PublicationStart) map[string]any {
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	return map[string]any{
		"offering_id":               s.OfferingID.String(),
		"saga_id":                   s.SagaID.String(),
		"price_ids":                 strs(s.PriceIDs),
		"specification_ids":         strs(s.SpecificationIDs),
		sagaworker.VarCorrelationID: correlation.FromContext(ctx),
		sagaworker.VarTraceContext:  map[string]string(carrier),
		"saga_timeout":              ISODuration(st.sagaTimeout),
	}
}

// StartPublication creates the process instance and returns its key.
func (st *Starter) StartPublication(ctx context.Context, s app.PublicationStart) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, st.callTimeout)
	defer cancel()
	cmd, err := st.client.NewCreateInstanceCommand().BPMNProcessId(ProcessID).LatestVersion().
		VariablesFromMap(st.Variables(ctx, s))
	if err != nil {
		return 0, fmt.Errorf("saga variables: %w", err)
	}
	resp, err := cmd.Send(ctx)
	if err != nil {
		return 0, fmt.Errorf("create %s instance: %w", ProcessID, err)
	}
	return resp.GetProcessInstanceKey(), nil
}

func strs(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// ISODuration renders d as an ISO-8601 duration ("PT2M", "PT1M30S", "PT1H"); sub-second parts are rounded up.
func ISODuration(d time.Duration) string {
	if d <= 0 {
		return "PT0S"
	}
	secs := int64((d + time.Second - 1) / time.Second)
	h, m, s := secs/3600, secs%3600/60, secs%60
	var b strings.Builder
	b.WriteString("PT")
	if h > 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if s > 0 {
		fmt.Fprintf(&b, "%dS", s)
	}
	return b.String()
}
