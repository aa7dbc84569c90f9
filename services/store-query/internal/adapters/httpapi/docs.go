package httpapi

import (
	"bytes"
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

type docParam struct{ Name, In, Type, Description string }

type docOperation struct {
	Method, Path, Summary, Description string
	Params                             []docParam
	Responses                          []string
}

var docsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:0 .2rem}section{border-top:1px solid #ddd;padding:.5rem 0}
.m{font-weight:bold;color:#0a5}</style></head><body>
<h1>{{.Title}}</h1><p>{{.Description}}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>
{{range .Ops}}<section><h2><span class="m">{{.Method}}</span> <code>{{.Path}}</code></h2><p>{{.Summary}}</p>
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Params}}<ul>{{range .Params}}<li><code>{{.Name}}</code> ({{.In}}, {{.Type}}) {{.Description}}</li>{{end}}</ul>{{end}}
<p>Responses: {{range .Responses}}<code>{{.}}</code> {{end}}</p></section>{{end}}
</body></html>`))

// docs is rendered once from the embedded document; the page needs no external asset.
var docs = func() []byte {
	var d struct {
		Info struct {
			Title       string `json:"title"`
			Description string `json:"description"`
		} `json:"info"`
		Paths map[string]map[string]struct {
			Summary     string `json:"summary"`
			Description string `json:"description"`
			Parameters  []struct {
				Name        string         `json:"name"`
				In          string         `json:"in"`
				Description string         `json:"description"`
				Schema      map[string]any `json:"schema"`
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &d); err != nil {
		panic("store-query: embedded openapi.json: " + err.Error())
	}
	var ops []docOperation
	for path, methods := range d.Paths {
		for method, op := range methods {
			o := docOperation{Method: strings.ToUpper(method), Path: path, Summary: op.Summary, Description: op.Description}
			for _, p := range op.Parameters {
				typ, _ := p.Schema["type"].(string)
				o.Params = append(o.Params, docParam{Name: p.Name, In: p.In, Type: typ, Description: p.Description})
			}
			for code := range op.Responses {
				o.Responses = append(o.Responses, code)
			}
			sort.Strings(o.Responses)
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Path+ops[i].Method < ops[j].Path+ops[j].Method })
	var buf bytes.Buffer
	if err := docsTemplate.Execute(&buf, map[string]any{"Title": d.Info.Title, "Description": d.Info.Description, "Ops": ops}); err != nil {
		panic("store-query: render docs: " + err.Error())
	}
	return buf.Bytes()
}()

func serveDocs(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(docs)
}
