package validate

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// modulePrefix is the import path prefix of the workspace's own modules.
const modulePrefix = "github.com/tmfcatalog/platform/"

// designPorts are the ports of DESIGN §2, per component (compose service / k8s Deployment name).
var designPorts = map[string][]int{
	"gateway": {8000}, "identity": {8001}, "characteristic": {8002}, "specification": {8003},
	"pricing": {8004}, "offering": {8005}, "store-query": {8006}, "web": {3000},
	"engine": {26500, 8085}, "zeebe": {26500},
	"postgres": {5432}, "rabbitmq": {5672}, "mongodb": {27017}, "elasticsearch": {9200},
	"zipkin": {9411}, "kibana": {5601},
}

var (
	rootOnce sync.Once
	rootDir  string
	rootErr  error
)

// repoRoot is the directory holding go.work, found by walking up from the test's directory.
func repoRoot(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
				rootDir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = errors.New("no go.work above the test directory")
				return
			}
			dir = parent
		}
	})
	if rootErr != nil {
		t.Fatal(rootErr)
	}
	return rootDir
}

func readRepoFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exists(t testing.TB, rel string) bool {
	t.Helper()
	_, err := os.Stat(filepath.Join(repoRoot(t), filepath.FromSlash(rel)))
	return err == nil
}

// goSources is what a Go main package compiles from the workspace: every string literal of
// its own non-test files and of the workspace packages it imports (directly or not).
type goSources struct {
	Literals map[string]bool
	Imports  map[string]bool // workspace import paths in the build
}

var (
	srcMu    sync.Mutex
	srcCache = map[string]*goSources{}
	envName  = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)
)

// loadGoSources lists the build of pkg (e.g. ./services/pricing) with go list -deps and
// collects the string literals of its workspace packages.
func loadGoSources(t testing.TB, pkg string) *goSources {
	t.Helper()
	srcMu.Lock()
	defer srcMu.Unlock()
	if s, ok := srcCache[pkg]; ok {
		return s
	}
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \",\"}}{{end}}", pkg)
	cmd.Dir = repoRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr.String())
	}
	s := &goSources{Literals: map[string]bool{}, Imports: map[string]bool{}}
	fset := token.NewFileSet()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.Split(line, "\t")
		if len(parts) != 3 || !strings.HasPrefix(parts[0], modulePrefix) {
			continue
		}
		s.Imports[parts[0]] = true
		for _, f := range strings.Split(parts[2], ",") {
			if f == "" {
				continue
			}
			file, err := parser.ParseFile(fset, filepath.Join(parts[1], f), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatalf("parse %s: %v", f, err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if v, err := strconv.Unquote(lit.Value); err == nil {
						s.Literals[v] = true
					}
				}
				return true
			})
		}
	}
	srcCache[pkg] = s
	return s
}

// envNames are the environment variable names a Go main package can read: its string
// literals that look like FOO_BAR.
func envNames(s *goSources) map[string]bool {
	out := map[string]bool{}
	for v := range s.Literals {
		if envName.MatchString(v) {
			out[v] = true
		}
	}
	return out
}

var webEnvRef = regexp.MustCompile(`process\.env\.([A-Z][A-Z0-9_]*)|process\.env\[["']([A-Z][A-Z0-9_]*)["']\]`)

// webEnvNames are the process.env names the web app's sources and config read.
func webEnvNames(t testing.TB) map[string]bool {
	t.Helper()
	root := filepath.Join(repoRoot(t), "web")
	out := map[string]bool{}
	collect := func(path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range webEnvRef.FindAllStringSubmatch(string(b), -1) {
			out[m[1]+m[2]] = true
		}
	}
	err := filepath.WalkDir(filepath.Join(root, "src"), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && regexp.MustCompile(`\.(ts|tsx|js|mjs)$`).MatchString(path) && !strings.Contains(path, ".test.") {
			collect(path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(filepath.Join(root, "next.config.*"))
	for _, m := range matches {
		collect(m)
	}
	return out
}

// healthRoutes are the paths the chassis health registry mounts (router.Get literals in
// libs/chassis/health), i.e. what every service importing it serves.
func healthRoutes(t testing.TB) map[string]bool {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "libs", "chassis", "health")
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	get := regexp.MustCompile(`\.Get\("(/[^"]*)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range get.FindAllStringSubmatch(string(b), -1) {
			routes[m[1]] = true
		}
	}
	if len(routes) == 0 {
		t.Fatal("libs/chassis/health mounts no route")
	}
	return routes
}

// dockerfileForImage maps an image reference (registry/prefix/name:tag) to the Dockerfile that
// builds it: services/<name>/Dockerfile, or <name>/Dockerfile for engine and web.
func dockerfileForImage(t testing.TB, image string) (string, bool) {
	t.Helper()
	ref := image
	if i := strings.LastIndex(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	name := ref[strings.LastIndex(ref, "/")+1:]
	for _, cand := range []string{"services/" + name + "/Dockerfile", name + "/Dockerfile"} {
		if exists(t, cand) {
			return cand, true
		}
	}
	return "", false
}
