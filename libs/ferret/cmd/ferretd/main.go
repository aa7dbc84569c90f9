// Command ferretd runs the embedded FerretDB on its own: `ferretd -dir data/ferret -addr 127.0.0.1:27017`.
// Handy for running one service against a local MongoDB-compatible server outside the dev stack.
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
	dir := flag.String("dir", "data/ferret", "directory of the SQLite data files")
	addr := flag.String("addr", "127.0.0.1:27017", "TCP listen address")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := ferret.Start(ctx, *dir, *addr, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(srv.URI())
	<-ctx.Done()
	srv.Stop()
}
