// Package apidocs merges the upstream services' OpenAPI documents into the gateway's single
// document, and holds the self-contained /docs page that renders it.
package apidocs

import (
	"maps"
	"reflect"
	"slices"
	"sort"
)

// Source is one upstream's document; Doc is nil when the upstream could not be fetched.
type Source struct {
	Name string
	Doc  map[string]any
	Err  string
}

// ownPaths are served by each service itself and never reached through the gateway.
var ownPaths = map[string]bool{"/health": true, "/health/ready": true, "/metrics": true,
	"/openapi.json": true, "/docs": true}

// Merge returns the gateway's document: its own health routes plus every upstream's paths that
// routed reports the gateway forwards, and their components. On a clash the first source wins
// and the clash is listed under "x-merge-conflicts"; missing upstreams are listed under
// "x-unavailable-upstreams".
func Merge(version string, sources []Source, routed func(path string) bool) map[string]any {
	paths := map[string]any{
		"/health":              op("Gateway liveness", "gateway"),
		"/health/dependencies": op("Health and circuit-breaker state of every upstream", "gateway"),
	}
	components := map[string]any{
		"securitySchemes": map[string]any{
			"bearerAuth": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
		},
	}
	var conflicts, unavailable []string
	for _, src := range sources {
		if src.Doc == nil {
			unavailable = append(unavailable, src.Name)
			continue
		}
		if p, ok := src.Doc["paths"].(map[string]any); ok {
			for _, path := range slices.Sorted(maps.Keys(p)) {
				if ownPaths[path] || !routed(path) {
					continue
				}
				if _, dup := paths[path]; dup {
					conflicts = append(conflicts, src.Name+": paths "+path)
					continue
				}
				paths[path] = p[path]
			}
		}
		comps, _ := src.Doc["components"].(map[string]any)
		for _, section := range slices.Sorted(maps.Keys(comps)) {
			entries, ok := comps[section].(map[string]any)
			if !ok {
				continue
			}
			dst, _ := components[section].(map[string]any)
			if dst == nil {
				dst = map[string]any{}
				components[section] = dst
			}
			for _, name := range slices.Sorted(maps.Keys(entries)) {
				if old, dup := dst[name]; dup {
					if !reflect.DeepEqual(old, entries[name]) {
						conflicts = append(conflicts, src.Name+": components/"+section+"/"+name)
					}
					continue
				}
				dst[name] = entries[name]
			}
		}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "TMF Product Catalog API",
			"description": "All services behind the API gateway. Send `Authorization: Bearer <token>` except on public routes.",
			"version":     version,
		},
		"servers":    []any{map[string]any{"url": "/"}},
		"paths":      paths,
		"components": components,
		"security":   []any{map[string]any{"bearerAuth": []any{}}},
	}
	if len(conflicts) > 0 {
		sort.Strings(conflicts)
		doc["x-merge-conflicts"] = conflicts
	}
	if len(unavailable) > 0 {
		doc["x-unavailable-upstreams"] = unavailable
	}
	return doc
}

func op(summary, tag string) map[string]any {
	return map[string]any{"get": map[string]any{
		"summary":   summary,
		"tags":      []any{tag},
		"security":  []any{},
		"responses": map[string]any{"200": map[string]any{"description": "OK"}},
	}}
}
