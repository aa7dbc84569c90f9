// Package ferret embeds a FerretDB server (MongoDB wire protocol on top of SQLite) in the
// calling process. The dev stack uses it instead of a MongoDB server, and tests start one per
// package with a temporary directory.
package ferret

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Server is a running embedded FerretDB instance.
type Server struct {
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// Start starts FerretDB with its SQLite data files in dir, listening on the TCP address addr
// ("127.0.0.1:0" picks a free port; URI reports the bound one). The server runs until ctx is
// cancelled or Stop is called. log may be nil (slog.Default is used).
func Start(ctx context.Context, dir, addr string, log *slog.Logger) (*Server, error) {
	if dir == "" {
		return nil, errors.New("ferret: data directory is empty")
	}
	if addr == "" {
		return nil, errors.New("ferret: listen address is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("ferret: resolve %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("ferret: create data directory: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: addr},
		Logger:   log.With("component", "ferretdb"),
		Handler:  "sqlite",
		// WAL with synchronous=NORMAL: a commit no longer waits for an fsync. A killed process
		// loses nothing (the WAL is written before the commit returns); only an operating
		// system crash may lose the last commits of this read model, which the store's rebuild
		// restores from the write services.
		SQLiteURL: "file:" + strings.TrimSuffix(abs, "/") + "/?_pragma=synchronous(normal)",
	})
	if err != nil {
		return nil, fmt.Errorf("ferret: start on %s: %w", addr, err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	s := &Server{cancel: cancel, done: make(chan struct{})}
	indexerDone := make(chan struct{})
	go func() {
		defer close(indexerDone)
		keepIDIndexes(runCtx, abs, idIndexInterval, log)
	}()
	go func() {
		defer close(s.done)
		s.err = f.Run(runCtx)
		<-indexerDone
	}()
	// The listener is bound inside ferretdb.New, so the URI (with the real port) is known now.
	s.uri = f.MongoDBURI()
	return s, nil
}

// idIndexInterval is how often the server looks for new collections to give the _id path
// index (see idindex.go).
const idIndexInterval = time.Second

// URI returns the mongodb:// connection string of the bound TCP listener.
func (s *Server) URI() string { return s.uri }

// Stop shuts the server down and waits until every connection and the SQLite backend are
// closed. It is safe to call more than once.
func (s *Server) Stop() {
	s.cancel()
	<-s.done
}

// Done is closed once the server has stopped (after Stop or cancellation of Start's ctx).
func (s *Server) Done() <-chan struct{} { return s.done }

// Err returns the error the server stopped with, if any; valid once Done is closed.
func (s *Server) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}
