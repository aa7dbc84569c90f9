package upstream

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/sony/gobreaker/v2"
)

// UnavailableError means the upstream could not be asked: its breaker is open, or it refused or
// dropped the connection. The gateway answers 503 with Retry-After.
type UnavailableError struct {
	Upstream   string
	RetryAfter time.Duration
	// BreakerOpen is true when the breaker refused the request without trying.
	BreakerOpen bool
	Cause       error
}

func (e *UnavailableError) Error() string {
	if e.BreakerOpen {
		return e.Upstream + " service is temporarily unavailable (circuit open)"
	}
	return e.Upstream + " service is unavailable"
}

// Unwrap returns the transport or breaker error.
func (e *UnavailableError) Unwrap() error { return e.Cause }

// TimeoutError means the upstream accepted the request but did not answer within the response
// timeout. The gateway answers 504.
type TimeoutError struct {
	Upstream string
	After    time.Duration
	Cause    error
}

func (e *TimeoutError) Error() string {
	return e.Upstream + " service did not answer within " + e.After.String()
}

// Unwrap returns the transport error.
func (e *TimeoutError) Unwrap() error { return e.Cause }

// errServerError marks an upstream 5xx for the breaker; it never leaves this package.
var errServerError = errors.New("upstream answered 5xx")

// isDialError reports whether err happened while connecting (refused, unreachable, connect
// timeout): nothing reached the upstream, so an idempotent request may be retried.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// isTimeout reports whether err is a timeout (e.g. no response headers in time).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// clientGone reports whether err only means the caller's request ended (client disconnect).
func clientGone(req *http.Request, err error) bool {
	return req.Context().Err() != nil && errors.Is(err, context.Canceled)
}

// isBodyTooLarge reports whether err comes from the request body exceeding the gateway's limit.
func isBodyTooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// excluded tells the breaker which errors say nothing about the upstream's health.
func excluded(err error) bool {
	return errors.Is(err, errClientGone) || isBodyTooLarge(err)
}

var errClientGone = errors.New("client went away")

// isBreakerRefusal reports whether err is the breaker refusing a request.
func isBreakerRefusal(err error) bool {
	return errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests)
}
