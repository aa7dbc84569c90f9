package upstream

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Transport is the gateway's outbound transport. Bodiless GET, HEAD and OPTIONS requests to
// plain-http upstreams (nearly all the traffic) are sent on the calling goroutine over a pool
// of keep-alive connections: written, then answered, with no other goroutine involved.
// Everything else (bodies, other methods, upgrades, https) goes through the standard
// http.Transport.
//
// Why: http.Transport hands every request to a writer goroutine and takes the answer from a
// reader goroutine, so each proxied request woke three goroutines (and, on a small machine, OS
// threads) where one suffices. Only requests that are safe to replay take the direct path, so
// it can retry a request whose reused connection turned out to be closed by the upstream,
// exactly as http.Transport does.
type Transport struct {
	std         *http.Transport
	dial        func(ctx context.Context, network, addr string) (net.Conn, error)
	maxIdle     int
	idleTimeout time.Duration
	headerWait  time.Duration

	mu   sync.Mutex
	idle map[string][]*directConn // by host:port, most recently used last
}

// NewTransport returns the transport shared by every upstream: keep-alive pools sized for a
// busy gateway, the connect and response-header timeouts, no transparent compression (bodies
// pass through as the upstream encoded them).
func NewTransport(cfg Config) *Transport {
	cfg.setDefaults()
	dialer := &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}
	std := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		MaxIdleConns:          cfg.MaxIdleConnsPerHost * 8,
		MaxIdleConnsPerHost:   cfg.MaxIdleConnsPerHost,
		IdleConnTimeout:       idleConnTimeout,
		ResponseHeaderTimeout: cfg.ResponseTimeout,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
		WriteBufferSize:       32 << 10,
		ReadBufferSize:        32 << 10,
	}
	return &Transport{std: std, dial: dialer.DialContext, maxIdle: cfg.MaxIdleConnsPerHost,
		idleTimeout: idleConnTimeout, headerWait: cfg.ResponseTimeout, idle: map[string][]*directConn{}}
}

// idleConnTimeout closes keep-alive connections unused for that long (the services close
// theirs after 120 s).
const idleConnTimeout = 90 * time.Second

// CloseIdleConnections closes every idle connection of both paths.
func (t *Transport) CloseIdleConnections() {
	t.std.CloseIdleConnections()
	t.mu.Lock()
	idle := t.idle
	t.idle = map[string][]*directConn{}
	t.mu.Unlock()
	for _, conns := range idle {
		for _, c := range conns {
			_ = c.conn.Close()
		}
	}
}

// RoundTrip sends req on the direct path when it qualifies, else through http.Transport.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !direct(req) {
		return t.std.RoundTrip(req)
	}
	host := canonicalAddr(req)
	for {
		c, reused, err := t.conn(req.Context(), host)
		if err != nil {
			return nil, err
		}
		resp, err := c.roundTrip(req, t.headerWait)
		if err == nil {
			resp.Body = t.body(c, resp)
			return resp, nil
		}
		_ = c.conn.Close()
		// A kept-alive connection the upstream closed meanwhile: nothing was answered, and the
		// request is safe to replay, so it goes again on the next connection. A failure on a
		// freshly dialled one is final, so this ends.
		if reused && errors.Is(err, errNothingReceived) && req.Context().Err() == nil && !isTimeout(err) {
			continue
		}
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, fmt.Errorf("%w (%v)", ctxErr, err)
		}
		return nil, err
	}
}

// direct reports whether req can take the direct path: a replayable method without a body
// (what http.Transport itself would retry), plain http, no upgrade, no 100-continue.
func direct(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		return false
	}
	return req.URL.Scheme == "http" && (req.Body == nil || req.Body == http.NoBody) &&
		req.Header.Get("Upgrade") == "" && req.Header.Get("Expect") == "" && !req.Close
}

// canonicalAddr is req's host:port (port 80 when the URL has none).
func canonicalAddr(req *http.Request) string {
	if req.URL.Port() == "" {
		return net.JoinHostPort(req.URL.Hostname(), "80")
	}
	return req.URL.Host
}

// conn returns an idle connection to host (reused true) or dials a new one.
func (t *Transport) conn(ctx context.Context, host string) (*directConn, bool, error) {
	now := time.Now()
	t.mu.Lock()
	for conns := t.idle[host]; len(conns) > 0; conns = t.idle[host] {
		c := conns[len(conns)-1]
		t.idle[host] = conns[:len(conns)-1]
		if now.Sub(c.idleSince) < t.idleTimeout {
			t.mu.Unlock()
			return c, true, nil
		}
		_ = c.conn.Close()
	}
	t.mu.Unlock()
	nc, err := t.dial(ctx, "tcp", host)
	if err != nil {
		return nil, false, err
	}
	return &directConn{host: host, conn: nc, br: bufio.NewReaderSize(nc, 32<<10), bw: bufio.NewWriterSize(nc, 4<<10)}, false, nil
}

// put keeps c for the next request, unless the pool of its host is full.
func (t *Transport) put(c *directConn) {
	c.idleSince = time.Now()
	t.mu.Lock()
	if len(t.idle[c.host]) < t.maxIdle {
		t.idle[c.host] = append(t.idle[c.host], c)
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	_ = c.conn.Close()
}

// directConn is one keep-alive connection of the direct path.
type directConn struct {
	host      string
	conn      net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
	stop      func() bool // detaches the request's cancellation from the connection
}

// errNothingReceived marks a failure before any byte of the answer arrived.
var errNothingReceived = errors.New("connection closed before an answer")

// roundTrip writes req and reads the answer's head, waiting at most headerWait for it. The
// request's context aborts the exchange: a cancelled request sets a past deadline, which wakes
// the blocked read or write; stop, kept on the body, undoes that hook.
func (c *directConn) roundTrip(req *http.Request, headerWait time.Duration) (*http.Response, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The header deadline is set before the cancellation hook exists, so it never undoes the
	// past deadline a cancellation sets.
	if err := c.conn.SetReadDeadline(time.Now().Add(headerWait)); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { _ = c.conn.SetDeadline(time.Unix(1, 0)) })
	fail := func(err error) (*http.Response, error) {
		stop()
		return nil, err
	}
	if err := req.Write(c.bw); err != nil {
		return fail(fmt.Errorf("write request: %w: %w", errNothingReceived, err))
	}
	if err := c.bw.Flush(); err != nil {
		return fail(fmt.Errorf("write request: %w: %w", errNothingReceived, err))
	}
	if _, err := c.br.Peek(1); err != nil {
		return fail(fmt.Errorf("read response: %w: %w", errNothingReceived, err))
	}
	for {
		resp, err := http.ReadResponse(c.br, req)
		if err != nil {
			return fail(fmt.Errorf("read response: %w", err))
		}
		if resp.StatusCode >= 100 && resp.StatusCode < 200 {
			if resp.StatusCode == http.StatusSwitchingProtocols {
				return fail(errors.New("unexpected 101 Switching Protocols"))
			}
			continue // 103 Early Hints and the like: the final answer follows
		}
		if err := c.conn.SetReadDeadline(time.Time{}); err != nil {
			return fail(err)
		}
		if err := ctx.Err(); err != nil {
			// Cancelled while the deadline was being cleared: the hook's past deadline may
			// have been undone, so the body could block. Give up now.
			return fail(err)
		}
		c.stop = stop
		return resp, nil
	}
}

// body wraps the answer's body so the connection goes back to the pool once it has been read
// to its end, and is closed otherwise.
func (t *Transport) body(c *directConn, resp *http.Response) io.ReadCloser {
	b := &directBody{t: t, c: c, body: resp.Body, keep: !resp.Close, ctx: resp.Request.Context()}
	if resp.Body == http.NoBody {
		b.finish(true)
		return http.NoBody
	}
	return b
}

type directBody struct {
	t    *Transport
	c    *directConn
	body io.ReadCloser
	keep bool // the upstream did not ask to close the connection
	done bool
	ctx  context.Context
	mu   sync.Mutex
}

func (b *directBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return 0, io.EOF
	}
	n, err := b.body.Read(p)
	if errors.Is(err, io.EOF) {
		b.finish(true)
	} else if err != nil {
		b.finish(false)
		if ctxErr := b.ctx.Err(); ctxErr != nil {
			// The read failed because the request was cancelled (see roundTrip): say so.
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
	}
	return n, err
}

func (b *directBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.done {
		b.finish(false) // not read to its end: the rest would have to be drained, so drop it
	}
	return nil
}

// finish releases the connection: back to the pool after a complete answer, closed otherwise.
func (b *directBody) finish(complete bool) {
	b.done = true
	c := b.c
	fired := !c.stop()
	if complete && b.keep && !fired && c.br.Buffered() == 0 {
		b.t.put(c)
		return
	}
	_ = c.conn.Close()
}
