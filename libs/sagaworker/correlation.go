package sagaworker

import "context"

// withCorrelation puts the saga's correlation id into ctx (replaced by the chassis
// correlation package once it is available).
func withCorrelation(ctx context.Context, id string) context.Context {
	if id == "" {
		return ctx
	}
	return context.WithValue(ctx, correlationKey{}, id)
}

type correlationKey struct{}

// CorrelationID returns the correlation id a job handler context carries.
func CorrelationID(ctx context.Context) string {
	s, _ := ctx.Value(correlationKey{}).(string)
	return s
}
