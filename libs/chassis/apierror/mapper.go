package apierror

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
)

// Rule maps the errors it matches to a status and code. The message sent is err.Error(),
// so domain errors must be written for the API's users.
type Rule struct {
	Match  func(error) bool
	Status int
	Code   string
}

// Is matches errors for which errors.Is(err, target) holds.
func Is(target error, status int, code string) Rule {
	return Rule{Match: func(err error) bool { return errors.Is(err, target) }, Status: status, Code: code}
}

// As matches errors for which errors.As finds a T in the chain.
func As[T error](status int, code string) Rule {
	return Rule{Match: func(err error) bool { var t T; return errors.As(err, &t) }, Status: status, Code: code}
}

// Mapper is the one place a service turns errors into responses.
type Mapper struct {
	log   *slog.Logger
	rules []Rule
}

// NewMapper returns a Mapper that tries the built-in rules, then rules in order.
func NewMapper(log *slog.Logger, rules ...Rule) *Mapper {
	return &Mapper{log: log, rules: rules}
}

// Write answers err with the matching envelope. Unmatched errors become a 500 whose cause is
// logged but never shown to the client.
func (m *Mapper) Write(w http.ResponseWriter, r *http.Request, err error) {
	var (
		verr *ValidationError
		herr *Error
	)
	switch {
	case errors.As(err, &verr):
		Write(w, r, http.StatusUnprocessableEntity, CodeValidation, "request validation failed", verr.Fields)
		return
	case errors.As(err, &herr):
		if herr.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(herr.RetryAfter))
		}
		Write(w, r, herr.Status, herr.Code, herr.Message, herr.Details)
		return
	case isTooLarge(err):
		Write(w, r, http.StatusRequestEntityTooLarge, CodePayloadTooLarge, "request body too large", nil)
		return
	}
	for _, rule := range m.rules {
		if rule.Match(err) {
			if rule.Status >= 500 {
				m.log.ErrorContext(r.Context(), "request failed", "status", rule.Status, "error", err.Error())
			}
			if rule.Status == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "5")
			}
			Write(w, r, rule.Status, rule.Code, err.Error(), nil)
			return
		}
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client left; there is nobody to answer
	}
	m.log.ErrorContext(r.Context(), "request failed", "status", http.StatusInternalServerError, "error", err.Error())
	Write(w, r, http.StatusInternalServerError, CodeInternal, "internal error", nil)
}
