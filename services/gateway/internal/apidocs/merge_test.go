package apidocs

import (
	"testing"
)

func TestMergeKeepsTheFirstOnClashesAndListsThem(t *testing.T) {
	t.Parallel()
	a := map[string]any{
		"paths":      map[string]any{"/health": map[string]any{}, "/api/v1/a": map[string]any{"get": "a"}},
		"components": map[string]any{"schemas": map[string]any{"Shared": map[string]any{"type": "object"}, "Err": 1}},
	}
	b := map[string]any{
		"paths":      map[string]any{"/api/v1/a": map[string]any{"get": "b"}, "/api/v1/b": map[string]any{}},
		"components": map[string]any{"schemas": map[string]any{"Shared": map[string]any{"type": "object"}, "Err": 2}},
	}
	a["paths"].(map[string]any)["/internal/x"] = map[string]any{}
	routed := func(p string) bool { return p != "/internal/x" }
	doc := Merge("1", []Source{{Name: "a", Doc: a}, {Name: "b", Doc: b}, {Name: "c", Err: "down"}}, routed)
	paths := doc["paths"].(map[string]any)
	if got := paths["/api/v1/a"].(map[string]any)["get"]; got != "a" {
		t.Fatalf("first source lost: %v", got)
	}
	if _, ok := paths["/api/v1/b"]; !ok {
		t.Fatal("second source's path missing")
	}
	if _, ok := paths["/internal/x"]; ok {
		t.Fatal("a path the gateway does not route is documented")
	}
	if _, ok := paths["/health/dependencies"]; !ok {
		t.Fatal("gateway path missing")
	}
	conflicts := doc["x-merge-conflicts"].([]string)
	if len(conflicts) != 2 || conflicts[0] != "b: components/schemas/Err" || conflicts[1] != "b: paths /api/v1/a" {
		t.Fatalf("conflicts %v", conflicts)
	}
	if un := doc["x-unavailable-upstreams"].([]string); len(un) != 1 || un[0] != "c" {
		t.Fatalf("unavailable %v", un)
	}
	schemes := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	if _, ok := schemes["bearerAuth"]; !ok {
		t.Fatal("bearer scheme missing")
	}
}
