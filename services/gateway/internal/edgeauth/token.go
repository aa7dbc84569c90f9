// Package edgeauth authenticates requests at the gateway: it takes the bearer token from the
// Authorization header, verifies it with libs/auth and remembers verified tokens briefly so a
// busy client does not pay for an RSA verification on every request.
package edgeauth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// errMalformedToken is returned when a token's payload cannot be read.
var errMalformedToken = errors.New("malformed token payload")

// BearerToken extracts the token of an "Authorization: Bearer <token>" header value. The scheme
// is case-insensitive; anything else (other schemes, empty tokens, embedded spaces) yields false.
func BearerToken(header string) (string, bool) {
	const scheme = "bearer "
	if len(header) <= len(scheme) || !strings.EqualFold(header[:len(scheme)], scheme) {
		return "", false
	}
	tok := strings.TrimSpace(header[len(scheme):])
	if tok == "" || strings.ContainsAny(tok, " \t\r\n") {
		return "", false
	}
	return tok, true
}

// Expiry reads the "exp" claim of a compact JWS without checking the signature. It is only
// called on tokens the verifier has already accepted, to bound how long they stay cached.
func Expiry(token string) (time.Time, error) {
	first := strings.IndexByte(token, '.')
	if first < 0 {
		return time.Time{}, errMalformedToken
	}
	rest := token[first+1:]
	second := strings.IndexByte(rest, '.')
	if second < 0 {
		return time.Time{}, errMalformedToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest[:second])
	if err != nil {
		return time.Time{}, errMalformedToken
	}
	var claims struct {
		Exp *json.Number `json:"exp"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil || claims.Exp == nil {
		return time.Time{}, errMalformedToken
	}
	f, err := claims.Exp.Float64()
	if err != nil || f <= 0 || f > 1e11 {
		return time.Time{}, errMalformedToken
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), nil
}
