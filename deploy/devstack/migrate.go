package devstack

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Migrate builds every component that owns a PostgreSQL database and runs `<binary> migrate`
// for each, which creates the database when missing and applies its migrations.
func Migrate(ctx context.Context, opts Options) error {
	s, err := newStack(opts)
	if err != nil {
		return err
	}
	if err := CheckInfrastructure(ctx, s.opts.PostgresURL, s.opts.AMQPURL); err != nil {
		return err
	}
	var owners []component
	for _, c := range s.selected() {
		if _, ok := c.Env(s)["DATABASE_URL"]; ok {
			owners = append(owners, c)
		}
	}
	if err := s.build(ctx, owners); err != nil {
		return err
	}
	for _, c := range owners {
		// A binary that ignored "migrate" would serve forever; bound each run.
		runCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		cmd := exec.CommandContext(runCtx, filepath.Join(s.path("bin"), c.Name), "migrate")
		cmd.Dir = s.opts.Dir
		cmd.Env = s.env(c, c.Name, map[string]string{"DEV_MODE": "true"})
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			return fmt.Errorf("migrate %s: %w\n%s", c.Name, err, strings.TrimSpace(string(out)))
		}
		s.log.Info("migrated", "component", c.Name, "database", c.Env(s)["DATABASE_URL"])
	}
	return nil
}
