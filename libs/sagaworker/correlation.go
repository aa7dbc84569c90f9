package sagaworker

import (
	"context"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
)

// withCorrelation puts the saga's correlation id into ctx, where the chassis logger finds it.
func withCorrelation(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return correlation.With(ctx, id)
}
