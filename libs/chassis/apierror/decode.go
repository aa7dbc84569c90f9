package apierror

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// DecodeJSON decodes the request body strictly into dst: one JSON value, no unknown fields.
// Bad input comes back as a *ValidationError naming the field (422); a body over the
// server's limit comes back as *http.MaxBytesError (413).
func DecodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &Error{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMedia, Message: "Content-Type must be application/json"}
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		return Invalid("body", "must hold a single JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax    *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		maxBytes  *http.MaxBytesError
		fieldName string
	)
	switch {
	case errors.As(err, &maxBytes):
		return err
	case errors.Is(err, io.EOF):
		return Invalid("body", "must not be empty")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return Invalid("body", "malformed JSON")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return Invalid(field, fmt.Sprintf("must be of type %s", jsonType(typeErr.Type.Kind().String())))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		fieldName = strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Invalid(fieldName, "unknown field")
	}
	var verr *ValidationError
	if errors.As(err, &verr) {
		return verr // a custom UnmarshalJSON already named the problem
	}
	return Invalid("body", "invalid JSON: "+err.Error())
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	default:
		return "number"
	}
}
