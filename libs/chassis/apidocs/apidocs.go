// Package apidocs serves a service's own OpenAPI document at GET /openapi.json and a
// self-contained HTML rendering of it at GET /docs (no scripts, no external assets).
package apidocs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
)

// docsCSP forbids everything the page does not need: it has no scripts and no external assets.
const docsCSP = "default-src 'none'; style-src 'unsafe-inline'"

// Mount validates openapiJSON, renders the docs page once, and registers GET /openapi.json
// (the document as given) and GET /docs on r. service names the page when the document has
// no title.
func Mount(r chi.Router, service string, openapiJSON []byte) error {
	page, err := Render(service, openapiJSON)
	if err != nil {
		return err
	}
	r.Get("/openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openapiJSON)
	})
	r.Get("/docs", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", docsCSP)
		_, _ = w.Write(page)
	})
	return nil
}

// MustMount is Mount for a document embedded in the binary: a document that does not parse is
// a build defect, so it panics.
func MustMount(r chi.Router, service string, openapiJSON []byte) {
	if err := Mount(r, service, openapiJSON); err != nil {
		panic(err)
	}
}

// Render returns the HTML page that lists every operation and schema of openapiJSON; every
// value taken from the document is escaped by html/template.
func Render(service string, openapiJSON []byte) ([]byte, error) {
	var doc document
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		return nil, fmt.Errorf("%s openapi document: %w", service, err)
	}
	p := page{Title: doc.Info.Title, Version: doc.Info.Version, Description: doc.Info.Description}
	if p.Title == "" {
		p.Title = service
	}
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op operation
			if err := json.Unmarshal(raw, &op); err != nil {
				continue // path-level keys such as "parameters" or "summary" are not operations
			}
			p.Operations = append(p.Operations, toPageOperation(strings.ToUpper(method), path, op))
		}
	}
	slices.SortFunc(p.Operations, func(a, b pageOperation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	for name, s := range doc.Components.Schemas {
		p.Schemas = append(p.Schemas, pageSchema{Name: name, JSON: indent(s)})
	}
	slices.SortFunc(p.Schemas, func(a, b pageSchema) int { return strings.Compare(a.Name, b.Name) })
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("render %s docs: %w", service, err)
	}
	return buf.Bytes(), nil
}

type document struct {
	Info struct {
		Title       string `json:"title"`
		Version     string `json:"version"`
		Description string `json:"description"`
	} `json:"info"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

type operation struct {
	Summary     string                `json:"summary"`
	Description string                `json:"description"`
	Roles       []string              `json:"x-roles"`
	Security    []map[string][]string `json:"security"`
	Parameters  []struct {
		Name        string          `json:"name"`
		In          string          `json:"in"`
		Required    bool            `json:"required"`
		Description string          `json:"description"`
		Schema      json.RawMessage `json:"schema"`
	} `json:"parameters"`
	RequestBody *struct {
		Content map[string]struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Description string `json:"description"`
	} `json:"responses"`
}

type page struct {
	Title, Version, Description string
	Operations                  []pageOperation
	Schemas                     []pageSchema
}

type pageOperation struct {
	Method, Path, Summary, Description string
	Security                           string
	Roles                              []string
	Params                             []pageParam
	Bodies                             []pageBody
	Responses                          []pageResponse
}

type pageParam struct {
	Name, In, Schema, Description string
	Required                      bool
}

type pageBody struct{ ContentType, Schema string }

type pageResponse struct{ Status, Description string }

type pageSchema struct{ Name, JSON string }

func toPageOperation(method, path string, op operation) pageOperation {
	o := pageOperation{Method: method, Path: path, Summary: op.Summary, Description: op.Description,
		Roles: op.Roles, Security: "public"}
	if len(op.Security) > 0 {
		o.Security = "bearer token"
	}
	for _, prm := range op.Parameters {
		o.Params = append(o.Params, pageParam{Name: prm.Name, In: prm.In, Required: prm.Required,
			Description: prm.Description, Schema: compact(prm.Schema)})
	}
	if op.RequestBody != nil {
		for ct, media := range op.RequestBody.Content {
			o.Bodies = append(o.Bodies, pageBody{ContentType: ct, Schema: indent(media.Schema)})
		}
		slices.SortFunc(o.Bodies, func(a, b pageBody) int { return strings.Compare(a.ContentType, b.ContentType) })
	}
	for status, resp := range op.Responses {
		o.Responses = append(o.Responses, pageResponse{Status: status, Description: resp.Description})
	}
	slices.SortFunc(o.Responses, func(a, b pageResponse) int { return strings.Compare(a.Status, b.Status) })
	return o
}

// indent pretty-prints a JSON fragment; a fragment that is not valid JSON is shown as is.
func indent(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return string(raw)
	}
	return buf.String()
}

// compact prints a JSON fragment on one line; a fragment that is not valid JSON is shown as is.
func compact(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}
