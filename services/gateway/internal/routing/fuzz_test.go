package routing

import (
	"strings"
	"testing"
)

// FuzzRouting checks the invariants of the table on arbitrary paths: a clean path never holds a
// dot segment, a routed path really lies under its prefix, and only identity's fixed routes and
// store reads are public.
func FuzzRouting(f *testing.F) {
	for _, s := range []string{"/api/v1/auth/login", "/api/v1/store/../characteristics", "/ops/x", "//",
		"/.well-known/jwks.json", "/api/v1/pricesx", "/api/v1/store/./a", "/a\\b", ""} {
		f.Add("GET", s)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		clean := CleanPath(path)
		if clean {
			for _, seg := range strings.Split(path, "/")[1:] {
				if seg == "." || seg == ".." {
					t.Fatalf("CleanPath(%q) accepted a dot segment", path)
				}
			}
		}
		rt, ok := Match(path)
		if ok && path != rt.Prefix && !strings.HasPrefix(path, rt.Prefix+"/") {
			t.Fatalf("Match(%q) = %q, which is not a prefix", path, rt.Prefix)
		}
		if AccessFor(method, path) == Public {
			trimmed := strings.TrimSuffix(path, "/")
			if !publicAuthPaths[trimmed] && !(ok && rt.Upstream == Store && isRead(method)) {
				t.Fatalf("AccessFor(%q, %q) is public", method, path)
			}
		}
	})
}
