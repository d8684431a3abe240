// Command ferretdb-launcher runs an embedded FerretDB (MongoDB wire protocol
// over SQLite) for usage-gateway's default and test database.
//
// Why not `go install github.com/FerretDB/FerretDB/cmd/ferretdb`: the module
// published on the proxy lacks a generated build/version/version.txt, so that
// binary panics at start. The embeddable package has no such dependency.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (loopback by default); ignored with -unix")
	unixSocket := flag.String("unix", "", "Unix domain socket path to listen on instead of TCP; keep it in a 0700 directory: FerretDB's SQLite backend has no authentication, so whoever can reach the listener can read every collection")
	dataDir := flag.String("data-dir", ".data/ferretdb", "directory holding the SQLite database files")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	parentPipe := flag.Bool("exit-on-stdin-eof", false, "exit when stdin closes: the parent process holds it open, so EOF means the parent died")
	synchronous := flag.String("synchronous", "full", "SQLite synchronous pragma: full (fsync every commit) or normal (WAL: survives process crashes, a power cut may lose the last commits)")
	flag.Parse()

	if *synchronous != "full" && *synchronous != "normal" {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: -synchronous must be full or normal\n")
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: bad -log-level: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	abs, err := filepath.Abs(*dataDir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: %v\n", err)
		os.Exit(1)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: cannot create data dir: %v\n", err)
		os.Exit(1)
	}

	listener := ferretdb.ListenerConfig{TCP: *listen}
	if *unixSocket != "" {
		sock, err := filepath.Abs(*unixSocket)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb-launcher: %v\n", err)
			os.Exit(1)
		}
		// A socket left by a killed process would make the listener fail; a
		// live one means another database serves this data directory.
		if st, err := os.Lstat(sock); err == nil && st.Mode()&os.ModeSocket != 0 {
			if c, err := net.DialTimeout("unix", sock, time.Second); err == nil {
				_ = c.Close()
				fmt.Fprintf(os.Stderr, "ferretdb-launcher: another database is listening on %s (stop it first)\n", sock)
				os.Exit(1)
			}
			_ = os.Remove(sock)
		}
		listener = ferretdb.ListenerConfig{Unix: sock}
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(" + *synchronous + ")",
		Logger:    logger,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// A parent killed without stopping us (SIGKILL, crash) must not leave
	// an orphan database holding the data directory.
	if *parentPipe {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	// Printed once the listener is up so a parent process can wait for it.
	go func() {
		uri := f.MongoDBURI()
		if listener.Unix != "" {
			// The driver wants the socket path percent-encoded in the host part.
			uri = "mongodb://" + url.PathEscape(listener.Unix) + "/"
		}
		fmt.Fprintf(os.Stdout, "ready %s\n", uri)
	}()

	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb-launcher: %v\n", err)
		os.Exit(1)
	}
}
