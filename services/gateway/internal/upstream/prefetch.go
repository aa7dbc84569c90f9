package upstream

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// prefetchLimit is the largest body of unknown length that is read whole before it is
// forwarded. The services answer lists and documents of a few KiB; larger bodies stream.
const prefetchLimit = 64 << 10

var prefetchBuffers = sync.Pool{New: func() any { b := make([]byte, prefetchLimit); return &b }}

// prefetch reads a JSON response of unknown length (the upstream answered chunked) to its end
// when it fits in prefetchLimit, and hands it on with its Content-Length.
//
// Why: httputil.ReverseProxy flushes after every write when the length is unknown, and also
// starts a timer whose goroutine flushes the headers on their own, so each response cost the
// gateway three write syscalls, a chunked encoding and a wakeup instead of one write. A JSON
// document is of no use to a client until it is complete, so holding it for the moment the
// upstream takes to finish it delays nothing. Other media types (text/event-stream above all,
// NDJSON, anything a client may consume as it arrives), HEAD answers, bodiless statuses and
// responses with trailers are left alone and keep the proxy's flush-per-write streaming; so do
// JSON bodies larger than the limit, whose first part is forwarded as soon as the rest starts.
//
// A read error fails the request (the caller turns it into a 502-class answer) instead of
// cutting a response the client already started to receive.
func prefetch(resp *http.Response) error {
	if resp.ContentLength != -1 || !bodyAllowed(resp) || len(resp.Trailer) > 0 || !isJSON(resp.Header.Get("Content-Type")) {
		return nil
	}
	bp := prefetchBuffers.Get().(*[]byte)
	buf := *bp
	n, err := io.ReadFull(resp.Body, buf)
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		// The whole body is in buf. Closing the drained body returns the connection to the pool.
		_ = resp.Body.Close()
		resp.Body = &prefetched{data: buf[:n], pooled: bp}
		resp.ContentLength = int64(n)
		resp.Header.Set("Content-Length", strconv.Itoa(n))
		return nil
	case err != nil:
		_ = resp.Body.Close()
		prefetchBuffers.Put(bp)
		return fmt.Errorf("read response body: %w", err)
	}
	// Larger than the limit: forward what was read, then stream the rest.
	resp.Body = &prefetched{data: buf, pooled: bp, rest: resp.Body}
	return nil
}

// bodyAllowed reports whether resp may carry a body of its own (not an answer to HEAD, not a
// 1xx, 204 or 304).
func bodyAllowed(resp *http.Response) bool {
	if resp.Request != nil && resp.Request.Method == http.MethodHead {
		return false
	}
	s := resp.StatusCode
	return s >= 200 && s != http.StatusNoContent && s != http.StatusNotModified
}

// isJSON reports whether ct is application/json or a +json type (problem+json, merge-patch...).
func isJSON(ct string) bool {
	if ct == "" {
		return false
	}
	if ct == "application/json" || strings.HasPrefix(ct, "application/json;") {
		return true // the common case, without mime parsing
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")))
}

// prefetched is a response body read (at least partly) ahead; rest, when set, holds what did
// not fit.
type prefetched struct {
	data   []byte
	off    int
	pooled *[]byte
	rest   io.ReadCloser
}

func (p *prefetched) Read(b []byte) (int, error) {
	if p.off < len(p.data) {
		n := copy(b, p.data[p.off:])
		p.off += n
		return n, nil
	}
	if p.rest != nil {
		return p.rest.Read(b)
	}
	return 0, io.EOF
}

// Close returns the buffer to the pool and closes what is left of the upstream body.
func (p *prefetched) Close() error {
	if p.pooled == nil {
		return nil
	}
	prefetchBuffers.Put(p.pooled)
	p.pooled, p.data = nil, nil
	if p.rest != nil {
		return p.rest.Close()
	}
	return nil
}
