package scenario

import (
	"context"
	"errors"
	"time"

	"github.com/tmfcatalog/platform/bench/internal/report"
)

// Search is written below.
func Search(ctx context.Context, env *Env) report.Section {
	return failed("search", "Store search", time.Now(), errors.New("not yet"))
}

// Propagation is written below.
func Propagation(ctx context.Context, env *Env) report.Section {
	return failed("propagation", "Propagation", time.Now(), errors.New("not yet"))
}
