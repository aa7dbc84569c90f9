package devstack

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
)

// CheckInfrastructure makes sure PostgreSQL and RabbitMQ answer, and says how to start them
// when they do not.
func CheckInfrastructure(ctx context.Context, postgresURL, amqpURL string) error {
	var errs []error
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(pctx, postgresURL)
	if err == nil {
		err = conn.Ping(pctx)
		conn.Close(context.WithoutCancel(ctx))
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("PostgreSQL is not reachable at %s (%v); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", redact(postgresURL), err))
	}
	u, err := url.Parse(amqpURL)
	if err != nil {
		errs = append(errs, fmt.Errorf("AMQP_URL %q is not a URL", redact(amqpURL)))
	} else {
		host := u.Host
		if u.Port() == "" {
			host = net.JoinHostPort(u.Hostname(), "5672")
		}
		c, err := (&net.Dialer{Timeout: 3 * time.Second}).DialContext(ctx, "tcp", host)
		if err != nil {
			errs = append(errs, fmt.Errorf("RabbitMQ is not reachable at %s (%v); start it with: rabbitmq-server -detached", host, err))
		} else {
			c.Close()
		}
	}
	return errors.Join(errs...)
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable>"
	}
	return u.Redacted()
}

// EnsureKey writes a new 2048-bit RSA private key (PKCS#8 PEM, mode 0600) to path unless a
// file is already there, and returns the path.
func EnsureKey(path string) (string, error) {
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create key folder: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", fmt.Errorf("generate RSA key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", fmt.Errorf("encode RSA key: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}

// DropDatabases removes every database whose name ends with suffix (a test or run stack's),
// closing their sessions first. postgresURL "" means the local server.
func DropDatabases(ctx context.Context, postgresURL, suffix string) error {
	if postgresURL == "" {
		postgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	if suffix == "" {
		return errors.New("drop databases: refusing an empty suffix")
	}
	conn, err := pgx.Connect(ctx, postgresURL)
	if err != nil {
		return fmt.Errorf("drop databases: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE right(datname, length($1)) = $1", suffix)
	if err != nil {
		return fmt.Errorf("list databases: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("list databases: %w", err)
	}
	var errs []error
	for _, n := range names {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
			errs = append(errs, fmt.Errorf("drop %s: %w", n, err))
		}
	}
	return errors.Join(errs...)
}
