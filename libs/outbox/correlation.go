package outbox

import "context"

// TODO(chassis): replace with github.com/tmfcatalog/platform/libs/chassis/correlation once it lands.
func correlationFrom(ctx context.Context) string { return "" }
