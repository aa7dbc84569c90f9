// Command ferretd runs the embedded FerretDB (libs/ferret) as a process of its own:
//
//	ferretd -dir data/ferret -addr 127.0.0.1:27017
//
// Handy for running one service against a local MongoDB-compatible server outside the dev
// stack; the reliability suites use it to kill and restart the read store, and to keep it out of
// test binaries built with the race detector (which slows it down several times). It prints
// "ready <mongodb URI>" on stdout once it accepts connections and stops on SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/tmfcatalog/platform/libs/ferret"
)

func main() {
	dir := flag.String("dir", "data/ferret", "folder of the SQLite files")
	addr := flag.String("addr", "127.0.0.1:27017", "TCP listen address (127.0.0.1:0 picks a free port)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := ferret.Start(ctx, *dir, *addr, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretd:", err)
		os.Exit(1)
	}
	fmt.Println("ready", srv.URI())
	select {
	case <-ctx.Done():
		srv.Stop()
	case <-srv.Done():
	}
	if err := srv.Err(); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "ferretd:", err)
		os.Exit(1)
	}
}
