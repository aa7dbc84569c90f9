// Package apierror writes the one error envelope every service answers with and maps typed
// errors to HTTP statuses in one place:
//
//	{"error":{"code":"VALIDATION_ERROR","message":"...","details":[...],"correlation_id":"..."}}
package apierror

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/tmfcatalog/platform/libs/chassis/correlation"
)

// Codes of the envelope, one per kind of failure (DESIGN §8).
const (
	CodeValidation         = "VALIDATION_ERROR"
	CodeBadRequest         = "BAD_REQUEST"
	CodeBusinessRule       = "BUSINESS_RULE"
	CodeUnauthorized       = "UNAUTHORIZED"
	CodeForbidden          = "FORBIDDEN"
	CodeNotFound           = "NOT_FOUND"
	CodeMethodNotAllowed   = "METHOD_NOT_ALLOWED"
	CodeConflict           = "CONFLICT"
	CodePreconditionFailed = "PRECONDITION_FAILED"
	CodePayloadTooLarge    = "PAYLOAD_TOO_LARGE"
	CodeUnsupportedMedia   = "UNSUPPORTED_MEDIA_TYPE"
	CodeLocked             = "LOCKED"
	CodeRateLimited        = "RATE_LIMITED"
	CodeInternal           = "INTERNAL_ERROR"
	CodeUnavailable        = "SERVICE_UNAVAILABLE"
	CodeGatewayTimeout     = "GATEWAY_TIMEOUT"
)

// Envelope is the body of every error response.
type Envelope struct {
	Error Body `json:"error"`
}

// Body is the content of the envelope.
type Body struct {
	Code          string `json:"code"`
	Message       string `json:"message"`
	Details       any    `json:"details,omitempty"`
	CorrelationID string `json:"correlation_id,omitempty"`
}

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every invalid field of a request; it maps to 422.
type ValidationError struct {
	Fields []FieldError
}

// Invalid returns a ValidationError about one field.
func Invalid(field, message string) *ValidationError {
	return &ValidationError{Fields: []FieldError{{Field: field, Message: message}}}
}

// Add records one more invalid field.
func (v *ValidationError) Add(field, message string) {
	v.Fields = append(v.Fields, FieldError{Field: field, Message: message})
}

// OrNil returns v as an error when it holds fields, else nil.
func (v *ValidationError) OrNil() error {
	if v == nil || len(v.Fields) == 0 {
		return nil
	}
	return v
}

func (v *ValidationError) Error() string {
	parts := make([]string, 0, len(v.Fields))
	for _, f := range v.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

// Error is a ready-made HTTP failure, for adapters that already know the status.
type Error struct {
	Status     int
	Code       string
	Message    string
	Details    any
	RetryAfter int // seconds; sent as Retry-After when positive
}

// New returns an Error.
func New(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// Write writes the envelope with the given status.
func Write(w http.ResponseWriter, r *http.Request, status int, code, message string, details any) {
	body := Envelope{Error: Body{Code: code, Message: message, Details: details}}
	if r != nil {
		body.Error.CorrelationID = correlation.FromContext(r.Context())
	}
	WriteJSON(w, status, body)
}

// WriteJSON writes v as a JSON response. The body is encoded whole before anything is sent:
// it goes out with a Content-Length in one write instead of chunked (a proxy in front then
// forwards it in one piece too), and a value that cannot be encoded becomes a 500 envelope
// instead of a cut-off body behind a success status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if v == nil {
		w.WriteHeader(status)
		return
	}
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(Envelope{Error: Body{Code: CodeInternal, Message: "the answer could not be encoded"}})
	}
	body = append(body, '\n')
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away; nothing left to tell it
}

// isTooLarge reports whether err comes from a body over the http.MaxBytesReader limit.
func isTooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}
