package httpapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
)

// openAPIDoc is the service's own API document, served at /openapi.json.
//
//go:embed openapi.json
var openAPIDoc []byte

type docOperation struct {
	Method, Path, Summary, Description string
	Security                           string
	RequestTypes                       []string
	Responses                          []docResponse
}

type docResponse struct{ Status, Description string }

type docs struct {
	page []byte
}

// newDocs renders /docs once from the embedded document: a self-contained page (no scripts,
// no CDN) listing every operation.
func newDocs() (*docs, error) {
	var doc struct {
		Info struct {
			Title, Description, Version string
		} `json:"info"`
		Paths map[string]map[string]struct {
			Summary     string                `json:"summary"`
			Description string                `json:"description"`
			Security    []map[string][]string `json:"security"`
			RequestBody *struct {
				Content map[string]json.RawMessage `json:"content"`
			} `json:"requestBody"`
			Responses map[string]struct {
				Description string `json:"description"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	var ops []docOperation
	for path, item := range doc.Paths {
		for method, op := range item {
			o := docOperation{Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Description: op.Description, Security: "public"}
			if len(op.Security) > 0 {
				o.Security = "bearer token"
			}
			if op.RequestBody != nil {
				for ct := range op.RequestBody.Content {
					o.RequestTypes = append(o.RequestTypes, ct)
				}
				slices.Sort(o.RequestTypes)
			}
			for status, resp := range op.Responses {
				o.Responses = append(o.Responses, docResponse{Status: status, Description: resp.Description})
			}
			slices.SortFunc(o.Responses, func(a, b docResponse) int { return strings.Compare(a.Status, b.Status) })
			ops = append(ops, o)
		}
	}
	slices.SortFunc(ops, func(a, b docOperation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	var sb strings.Builder
	if err := docsPage.Execute(&sb, map[string]any{"Info": doc.Info, "Ops": ops}); err != nil {
		return nil, fmt.Errorf("render docs: %w", err)
	}
	return &docs{page: []byte(sb.String())}, nil
}

func (d *docs) serveJSON(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}

func (d *docs) serveHTML(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	_, _ = w.Write(d.page)
}

var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Info.Title}} API</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
section{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}
.m{display:inline-block;min-width:4.5rem;font-weight:700}
.GET{color:#0a6}.POST{color:#06c}.PUT,.PATCH{color:#a60}.DELETE{color:#c00}
code{background:#f4f4f4;padding:0 .2rem}small{color:#666}
</style></head><body>
<h1>{{.Info.Title}} <small>{{.Info.Version}}</small></h1>
<p>{{.Info.Description}}</p>
<p>Machine-readable document: <a href="/openapi.json">/openapi.json</a></p>
{{range .Ops}}<section>
<h3><span class="m {{.Method}}">{{.Method}}</span><code>{{.Path}}</code> <small>{{.Security}}</small></h3>
<p>{{.Summary}}</p>{{if .Description}}<p><small>{{.Description}}</small></p>{{end}}
{{if .RequestTypes}}<p>Request body: {{range .RequestTypes}}<code>{{.}}</code> {{end}}</p>{{end}}
<ul>{{range .Responses}}<li><b>{{.Status}}</b> {{.Description}}</li>{{end}}</ul>
</section>{{end}}
</body></html>
`))
