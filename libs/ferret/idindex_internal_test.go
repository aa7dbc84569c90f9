package ferret

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// A database FerretDB dropped between the listing and the visit must not come back as an
// empty file: FerretDB would then see a database nobody created.
func TestKeeperNeverCreatesADatabase(t *testing.T) {
	file := filepath.Join(t.TempDir(), "dropped.sqlite")
	_ = ensureFileIDIndexes(context.Background(), file) // an error or not: no file may appear
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the keeper created %s (stat: %v)", file, err)
	}
}
