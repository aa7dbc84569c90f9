package httpapi

import (
	_ "embed"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"
)

//go:embed openapi.json
var openAPIDoc []byte

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}

type docOperation struct {
	Method, Path, Summary string
	Roles                 []string
	Responses             []string
	Body                  string
}

type docPage struct {
	Title, Description string
	Operations         []docOperation
	Schemas            []docSchema
}

type docSchema struct{ Name, JSON string }

// docs is rendered once from the embedded document; the page needs no external asset.
var docs = func() []byte {
	var d struct {
		Info  struct{ Title, Description string }
		Paths map[string]map[string]struct {
			Summary     string
			Roles       []string `json:"x-roles"`
			Responses   map[string]json.RawMessage
			RequestBody *struct {
				Content map[string]struct{ Schema json.RawMessage }
			} `json:"requestBody"`
		}
		Components struct{ Schemas map[string]json.RawMessage }
	}
	if err := json.Unmarshal(openAPIDoc, &d); err != nil {
		panic("embedded openapi.json: " + err.Error())
	}
	page := docPage{Title: d.Info.Title, Description: d.Info.Description}
	for path, ops := range d.Paths {
		for method, op := range ops {
			o := docOperation{Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Roles: op.Roles}
			for code := range op.Responses {
				o.Responses = append(o.Responses, code)
			}
			sort.Strings(o.Responses)
			if op.RequestBody != nil {
				o.Body = string(op.RequestBody.Content["application/json"].Schema)
			}
			page.Operations = append(page.Operations, o)
		}
	}
	sort.Slice(page.Operations, func(i, j int) bool {
		a, b := page.Operations[i], page.Operations[j]
		return a.Path < b.Path || a.Path == b.Path && a.Method < b.Method
	})
	for name, s := range d.Components.Schemas {
		pretty, _ := json.MarshalIndent(json.RawMessage(s), "", "  ")
		page.Schemas = append(page.Schemas, docSchema{Name: name, JSON: string(pretty)})
	}
	sort.Slice(page.Schemas, func(i, j int) bool { return page.Schemas[i].Name < page.Schemas[j].Name })
	var b strings.Builder
	if err := docTemplate.Execute(&b, page); err != nil {
		panic("render docs: " + err.Error())
	}
	return []byte(b.String())
}()

func serveDocs(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(docs)
}

var docTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} API</title>
<style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f2933}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d9e2ec;padding:.4rem;text-align:left;vertical-align:top}
.m{font-weight:700;font-family:monospace}code,pre{background:#f0f4f8;padding:.1rem .3rem}pre{padding:.6rem;overflow:auto}
</style></head><body>
<h1>{{.Title}}</h1><p>{{.Description}}</p>
<p>Machine-readable document: <a href="/openapi.json">/openapi.json</a>. Errors use
<code>{"error":{"code","message","details","correlation_id"}}</code>.</p>
<h2>Operations</h2>
<table><tr><th>Method</th><th>Path</th><th>Summary</th><th>Roles</th><th>Responses</th></tr>
{{range .Operations}}<tr><td class="m">{{.Method}}</td><td><code>{{.Path}}</code></td><td>{{.Summary}}{{if .Body}}<details><summary>body</summary><pre>{{.Body}}</pre></details>{{end}}</td>
<td>{{range .Roles}}{{.}} {{end}}</td><td>{{range .Responses}}{{.}} {{end}}</td></tr>
{{end}}</table>
<h2>Schemas</h2>
{{range .Schemas}}<details><summary>{{.Name}}</summary><pre>{{.JSON}}</pre></details>{{end}}
</body></html>
`))
