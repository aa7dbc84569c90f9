package messaging

import "context"

// TODO(chassis): replace with github.com/tmfcatalog/platform/libs/chassis/correlation once it lands.
type correlationKey struct{}

func withCorrelation(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, correlationKey{}, id)
}
