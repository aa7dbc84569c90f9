// Package migrations embeds the goose SQL migrations of every service database.
//
// Each service keeps its files in a folder named after it (migrations/<service>/NNNNN_name.sql).
// The package lives beside the files because go:embed cannot reach parent folders.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed *
var files embed.FS

// For returns the migrations of one service database, rooted at its folder.
func For(service string) (fs.FS, error) {
	if _, err := fs.Stat(files, service); err != nil {
		return nil, fmt.Errorf("migrations for %q: %w", service, err)
	}
	sub, err := fs.Sub(files, service)
	if err != nil {
		return nil, fmt.Errorf("migrations for %q: %w", service, err)
	}
	return sub, nil
}
