package nginx

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

func TestRenderWritesAProxyToTheUpstreamWithKeepalive(t *testing.T) {
	conf, err := Render(Config{Dir: "/tmp/x", Listen: "127.0.0.1:18080", Upstream: "http://127.0.0.1:8002", Workers: 2, Keepalive: 32})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"worker_processes 2;", "listen 127.0.0.1:18080;", "server 127.0.0.1:8002;", "keepalive 32;",
		"proxy_http_version 1.1;", `proxy_set_header Connection "";`, "pid /tmp/x/nginx.pid;", "access_log off;",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("config lacks %q:\n%s", want, conf)
		}
	}
	if strings.Contains(conf, "user ") {
		t.Error("config names a user although none was asked for")
	}
	logged, err := Render(Config{Dir: "/tmp/x", Listen: "127.0.0.1:18080", Upstream: "http://127.0.0.1:8002", AccessLog: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged, "access_log /tmp/x/access.log;") || strings.Contains(logged, "access_log off;") {
		t.Errorf("AccessLog does not turn the access log on:\n%s", logged)
	}
}

func TestRenderRefusesUnsafeOrBrokenSettings(t *testing.T) {
	tests := []struct {
		name string
		c    Config
	}{
		{"a listen address off the loopback", Config{Dir: "/tmp/x", Listen: "0.0.0.0:80", Upstream: "http://127.0.0.1:1"}},
		{"a listen address without port", Config{Dir: "/tmp/x", Listen: "127.0.0.1", Upstream: "http://127.0.0.1:1"}},
		{"an upstream that is not http", Config{Dir: "/tmp/x", Listen: "127.0.0.1:1", Upstream: "ftp://127.0.0.1:1"}},
		{"a relative folder", Config{Dir: "x", Listen: "127.0.0.1:1", Upstream: "http://127.0.0.1:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Render(tt.c); err == nil {
				t.Fatal("Render accepted it")
			}
		})
	}
}

func TestRenderDefaultsWorkersToAutoAndAddsTheUser(t *testing.T) {
	conf, err := Render(Config{Dir: "/tmp/x", Listen: "127.0.0.1:1", Upstream: "http://127.0.0.1:2", User: "root"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(conf, "worker_processes auto;") || !strings.HasPrefix(strings.SplitN(conf, "\n", 3)[1], "user root;") {
		t.Fatalf("unexpected config:\n%s", conf)
	}
}

// When nginx is installed, the generated configuration really proxies.
func TestStartProxiesToTheUpstream(t *testing.T) {
	bin, err := Binary()
	if err != nil {
		// The config tests above still ran; the benchmark itself fails loudly without nginx.
		t.Logf("nginx is not installed, the live proxy check does not apply: %v", err)
		return
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello "+r.URL.Path)
	}))
	defer up.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p, err := Start(context.Background(), bin, Config{Dir: filepath.Join(t.TempDir(), "nginx"), Listen: addr, Upstream: up.URL, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	resp, err := http.Get(p.URL() + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "hello /ping" {
		t.Fatalf("proxied body = %q", body)
	}
}
