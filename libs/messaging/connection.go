package messaging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// ErrClosed is returned by a Connection that was closed or whose owning context ended.
var ErrClosed = errors.New("messaging: connection closed")

// ErrNotConnected is returned by Ping while the connection is down and being re-established.
var ErrNotConnected = errors.New("messaging: not connected to the broker")

// DialConfig configures a Connection.
type DialConfig struct {
	// URL is the AMQP URL (AMQP_URL), e.g. amqp://guest:guest@127.0.0.1:5672/.
	URL string
	// Name is the connection_name client property shown by the broker (rabbitmqctl
	// list_connections client_properties); default "<program>-<pid>".
	Name string
	// Heartbeat is the AMQP heartbeat interval (default 10 s).
	Heartbeat time.Duration
	// Reconnect is the backoff between reconnection attempts (default 100 ms .. 5 s).
	Reconnect Backoff
}

// Connection is an AMQP connection that re-dials by itself when the broker or the network drops
// it. Users take channels from it with Channel and watch those channels for closure; a new
// Channel call waits until the connection is back.
type Connection struct {
	cfg  DialConfig
	log  *slog.Logger
	stop context.CancelFunc
	done chan struct{}

	mu    sync.Mutex
	conn  *amqp.Connection
	ready chan struct{} // closed when conn is usable; replaced while reconnecting
	err   error         // last dial error, for Ping
}

// Dial connects to the broker at url. The first attempt must succeed; later drops are repaired in
// the background until ctx ends or Close is called.
func Dial(ctx context.Context, url string, log *slog.Logger) (*Connection, error) {
	return DialWith(ctx, DialConfig{URL: url}, log)
}

// DialWith is Dial with every option.
func DialWith(ctx context.Context, cfg DialConfig, log *slog.Logger) (*Connection, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Name == "" {
		cfg.Name = fmt.Sprintf("%s-%d", filepath.Base(os.Args[0]), os.Getpid())
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = 10 * time.Second
	}
	if cfg.Reconnect == (Backoff{}) {
		cfg.Reconnect = Backoff{Initial: 100 * time.Millisecond, Max: 5 * time.Second}
	}
	conn, err := cfg.dial()
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(ctx)
	c := &Connection{cfg: cfg, log: log, stop: stop, done: make(chan struct{}), conn: conn, ready: make(chan struct{})}
	close(c.ready)
	go c.supervise(ctx, conn)
	return c, nil
}

func (cfg DialConfig) dial() (*amqp.Connection, error) {
	props := amqp.NewConnectionProperties()
	props.SetClientConnectionName(cfg.Name)
	conn, err := amqp.DialConfig(cfg.URL, amqp.Config{
		Heartbeat:  cfg.Heartbeat,
		Locale:     "en_US",
		Properties: props,
		Dial:       amqp.DefaultDial(5 * time.Second),
	})
	if err != nil {
		return nil, fmt.Errorf("dial amqp %s: %w", redact(cfg.URL), err)
	}
	return conn, nil
}

// supervise waits for the current connection to close and dials a new one, until ctx ends.
func (c *Connection) supervise(ctx context.Context, conn *amqp.Connection) {
	defer close(c.done)
	for {
		closed := conn.NotifyClose(make(chan *amqp.Error, 1))
		select {
		case <-ctx.Done():
			c.mu.Lock()
			c.err = ErrClosed
			c.mu.Unlock()
			_ = conn.Close()
			return
		case amqpErr := <-closed:
			c.mu.Lock()
			c.ready = make(chan struct{})
			c.err = fmt.Errorf("%w: %v", ErrNotConnected, amqpErr)
			c.mu.Unlock()
			c.log.WarnContext(ctx, "amqp connection lost, reconnecting", "connection", c.cfg.Name, "error", fmt.Sprint(amqpErr))
		}
		for attempt := 1; ; attempt++ {
			if err := Sleep(ctx, c.cfg.Reconnect.Delay(attempt)); err != nil {
				break
			}
			next, err := c.cfg.dial()
			if err != nil {
				c.mu.Lock()
				c.err = fmt.Errorf("%w: %v", ErrNotConnected, err)
				c.mu.Unlock()
				c.log.WarnContext(ctx, "amqp reconnect failed", "connection", c.cfg.Name, "attempt", attempt, "error", err.Error())
				continue
			}
			conn = next
			c.mu.Lock()
			c.conn, c.err = next, nil
			close(c.ready)
			c.mu.Unlock()
			c.log.InfoContext(ctx, "amqp connection re-established", "connection", c.cfg.Name, "attempt", attempt)
			break
		}
		if ctx.Err() != nil {
			c.mu.Lock()
			c.err = ErrClosed
			c.mu.Unlock()
			_ = conn.Close()
			return
		}
	}
}

// Channel opens a new channel, waiting (bounded by ctx) for the connection to be up.
func (c *Connection) Channel(ctx context.Context) (*amqp.Channel, error) {
	for {
		c.mu.Lock()
		ready, conn := c.ready, c.conn
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("open amqp channel: %w", ctx.Err())
		case <-c.done:
			return nil, ErrClosed
		case <-ready:
		}
		ch, err := conn.Channel()
		if err == nil {
			return ch, nil
		}
		if !conn.IsClosed() {
			return nil, fmt.Errorf("open amqp channel: %w", err)
		}
		// The connection died between ready and Channel; wait for the supervisor to notice.
		if err := Sleep(ctx, 20*time.Millisecond); err != nil {
			return nil, fmt.Errorf("open amqp channel: %w", err)
		}
	}
}

// Ping reports whether the connection is currently up (health.Check compatible).
func (c *Connection) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-c.done:
		return ErrClosed
	default:
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.ready:
		if c.conn.IsClosed() {
			return ErrNotConnected
		}
		return nil
	default:
		if c.err != nil {
			return c.err
		}
		return ErrNotConnected
	}
}

// Name is the connection_name the broker shows for this connection.
func (c *Connection) Name() string { return c.cfg.Name }

// Close closes the connection and stops reconnecting. It is safe to call more than once.
func (c *Connection) Close() {
	c.stop()
	<-c.done
}

// redact hides the password of an AMQP URL for logs and errors.
func redact(raw string) string {
	u, err := amqp.ParseURI(raw)
	if err != nil {
		return "(unparsable url)"
	}
	u.Password = "xxxxx"
	return u.String()
}
