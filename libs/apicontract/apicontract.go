// Package apicontract checks response bodies against the reference OpenAPI documents in
// api/reference, the API contract of the original system this platform ports.
//
// Component tests call Check for every success response they see, so a renamed field or a
// wrong type fails the build instead of a client.
package apicontract

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/getkin/kin-openapi/openapi3"
)

// Contract is one service's reference document, ready to validate responses.
type Contract struct {
	service string
	doc     *openapi3.T
	routes  []route
}

type route struct {
	template string
	pattern  *regexp.Regexp
	item     *openapi3.PathItem
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*Contract{}
)

// Load reads api/reference/<service>-openapi.json (service "store" for store-query) from the
// repository root, found by walking up from the test's directory to go.work.
func Load(t testing.TB, service string) *Contract {
	t.Helper()
	c, err := load(service)
	if err != nil {
		t.Fatalf("load contract %s: %v", service, err)
	}
	return c
}

func load(service string) (*Contract, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if c, ok := cache[service]; ok {
		return c, nil
	}
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(root, "api", "reference", service+"-openapi.json"))
	if err != nil {
		return nil, err
	}
	c := &Contract{service: service, doc: doc}
	for tmpl, item := range doc.Paths.Map() {
		c.routes = append(c.routes, route{template: tmpl, pattern: templateRegexp(tmpl), item: item})
	}
	cache[service] = c
	return c, nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.work above the working directory")
		}
		dir = parent
	}
}

var param = regexp.MustCompile(`\\\{[^}]+\\\}`)

func templateRegexp(tmpl string) *regexp.Regexp {
	return regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(tmpl), `[^/]+`) + "$")
}

// ecmaRegex compiles the reference's patterns, which use look-aheads Go's regexp lacks.
func ecmaRegex(expr string) (openapi3.RegexMatcher, error) {
	re, err := regexp2.Compile(expr, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return matcher{re}, nil
}

type matcher struct{ re *regexp2.Regexp }

func (m matcher) MatchString(s string) bool {
	ok, err := m.re.MatchString(s)
	return err == nil && ok
}

// Validate reports whether body is a valid response of method on path (a concrete path such
// as /api/v1/prices/3f2…) with the given status.
func (c *Contract) Validate(method, path string, status int, body []byte) error {
	path, _, _ = strings.Cut(path, "?")
	var op *openapi3.Operation
	for _, r := range c.routes {
		if r.pattern.MatchString(path) {
			if o := r.item.GetOperation(strings.ToUpper(method)); o != nil {
				op = o
				break
			}
		}
	}
	if op == nil {
		return fmt.Errorf("%s %s is not in the %s contract", method, path, c.service)
	}
	resp := op.Responses.Value(strconv.Itoa(status))
	if resp == nil || resp.Value == nil {
		return fmt.Errorf("%s %s: status %d is not documented in the %s contract", method, path, status, c.service)
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		if len(strings.TrimSpace(string(body))) != 0 {
			return fmt.Errorf("%s %s %d: contract documents no body, got %q", method, path, status, body)
		}
		return nil
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return fmt.Errorf("%s %s %d: body is not JSON: %w", method, path, status, err)
	}
	if err := media.Schema.Value.VisitJSON(value,
		openapi3.VisitAsResponse(), openapi3.MultiErrors(), openapi3.EnableFormatValidation(),
		openapi3.EnableJSONSchema2020(), openapi3.SetSchemaRegexCompiler(ecmaRegex)); err != nil {
		return fmt.Errorf("%s %s %d: body does not match the %s contract: %w", method, path, status, c.service, err)
	}
	return nil
}

// Check fails the test when body is not a valid response (see Validate).
func (c *Contract) Check(t testing.TB, method, path string, status int, body []byte) {
	t.Helper()
	if err := c.Validate(method, path, status, body); err != nil {
		t.Errorf("contract: %v", err)
	}
}
