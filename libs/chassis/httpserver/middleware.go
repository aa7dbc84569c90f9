package httpserver

import (
	"log/slog"
	"net/http"
	"net/textproto"
	"runtime/debug"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/libs/chassis/correlation"
)

// correlationKey is correlation.Header in canonical form, so the per-request header reads and
// writes below skip canonicalising it.
var correlationKey = textproto.CanonicalMIMEHeaderKey(correlation.Header)

// Correlation takes X-Correlation-ID from the request (or makes one), puts it in the
// context and echoes it on the response.
func Correlation(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var id string
		if v := r.Header[correlationKey]; len(v) > 0 {
			id = v[0]
		}
		if !correlation.Valid(id) {
			id = correlation.NewID()
			r.Header[correlationKey] = []string{id}
		}
		w.Header()[correlationKey] = []string{id}
		next.ServeHTTP(w, r.WithContext(correlation.With(r.Context(), id)))
	})
}

// Recover turns a panic into a 500 envelope; the stack goes to the log, never to the client.
func Recover(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				rec := recover()
				if rec == nil {
					return
				}
				if rec == http.ErrAbortHandler {
					panic(rec) // the server's own signal to drop the connection
				}
				log.ErrorContext(r.Context(), "panic serving request", "panic", rec, "stack", string(debug.Stack()),
					"method", r.Method, "path", r.URL.Path)
				apierror.Write(w, r, http.StatusInternalServerError, apierror.CodeInternal, "internal error", nil)
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// AccessLog writes one line per request with method, path, status, bytes and duration. The
// attributes are typed (slog.LogAttrs), so a line costs no boxing, and nothing is built when
// the level is disabled.
func AccessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &recorder{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(rec, r)
			if r.URL.Path == "/metrics" || r.URL.Path == "/health" || r.URL.Path == "/health/ready" {
				return // probes would drown the log
			}
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelError
			}
			ctx := r.Context()
			if !log.Enabled(ctx, level) {
				return
			}
			log.LogAttrs(ctx, level, "http request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
				slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
				slog.String("remote", r.RemoteAddr))
		})
	}
}

// BodyLimit caps request bodies; reading past the limit fails with *http.MaxBytesError,
// which apierror maps to 413. A declared Content-Length over the limit is refused at once.
func BodyLimit(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > limit {
				apierror.Write(w, r, http.StatusRequestEntityTooLarge, apierror.CodePayloadTooLarge, "request body too large", nil)
				return
			}
			if r.Body != nil && r.Body != http.NoBody { // nothing to cap on a bodiless request
				r.Body = http.MaxBytesReader(w, r.Body, limit)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// SecurityHeaders sets headers every API response should carry.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Canonical keys set directly, their values in one allocation (each a full slice, so
		// an Add to one of them reallocates instead of writing over its neighbour).
		v := make([]string, 4)
		v[0], v[1], v[2], v[3] = "nosniff", "DENY", "no-referrer", "no-store"
		h := w.Header()
		h["X-Content-Type-Options"] = v[0:1:1]
		h["X-Frame-Options"] = v[1:2:2]
		h["Referrer-Policy"] = v[2:3:3]
		h["Cache-Control"] = v[3:4:4]
		next.ServeHTTP(w, r)
	})
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
