package apidocs

import "html/template"

// pageTemplate lays out the docs page; styles are inline so the page needs nothing else.
var pageTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1f24}
details{border:1px solid #d0d7de;border-radius:6px;margin:.5rem 0;padding:.25rem .75rem}
summary{cursor:pointer}.m{display:inline-block;min-width:4.5rem;font-weight:700}
.GET{color:#0969da}.POST{color:#1a7f37}.PUT,.PATCH{color:#9a6700}.DELETE{color:#cf222e}
code,pre{background:#f6f8fa;padding:0 .2rem}pre{padding:.5rem;overflow:auto;font-size:13px}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}
small{color:#57606a}
</style></head><body>
<h1>{{.Title}}{{if .Version}} <small>{{.Version}}</small>{{end}}</h1>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<p>Machine-readable document: <a href="/openapi.json">/openapi.json</a>. Errors use
<code>{"error":{"code","message","details","correlation_id"}}</code>.</p>
<h2>Operations</h2>
{{range .Operations}}<details><summary><span class="m {{.Method}}">{{.Method}}</span> <code>{{.Path}}</code> {{.Summary}} <small>{{.Security}}{{if .Roles}}; roles: {{range .Roles}}{{.}} {{end}}{{end}}</small></summary>
{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Params}}<table><tr><th>parameter</th><th>in</th><th>schema</th><th>description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} *{{end}}</td><td>{{.In}}</td><td><code>{{.Schema}}</code></td><td>{{.Description}}</td></tr>
{{end}}</table>{{end}}
{{range .Bodies}}<h4>Request body <code>{{.ContentType}}</code></h4><pre>{{.Schema}}</pre>
{{end}}<h4>Responses</h4><ul>{{range .Responses}}<li><b>{{.Status}}</b> {{.Description}}</li>{{end}}</ul>
</details>
{{end}}
{{if .Schemas}}<h2>Schemas</h2>
{{range .Schemas}}<details><summary>{{.Name}}</summary><pre>{{.JSON}}</pre></details>
{{end}}{{end}}</body></html>
`))
