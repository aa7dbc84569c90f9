package pgdb

import (
	"io/fs"

	"github.com/pressly/goose/v3/lock"
)

func newLocker() (lock.SessionLocker, error) {
	return lock.NewPostgresSessionLocker()
}

// emptyFS stands in when a database has only Go migrations.
type emptyFS struct{}

func (emptyFS) Open(string) (fs.File, error) { return nil, fs.ErrNotExist }
