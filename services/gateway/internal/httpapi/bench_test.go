package httpapi

import (
	"io"
	"net/http"
	"testing"

	"github.com/tmfcatalog/platform/libs/auth"
)

// BenchmarkProxiedGETWithJWT measures one authenticated GET through the whole gateway (chassis
// middleware, edge auth with the token cache, breaker, reverse proxy) over real loopback TCP.
func BenchmarkProxiedGETWithJWT(b *testing.B) {
	h := newHarness(b, nil)
	token := "Bearer " + h.iss.Token(auth.RoleUser)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/api/v1/prices", nil)
			req.Header.Set("Authorization", token)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkDirectGET is the same request sent straight to the upstream, the baseline.
func BenchmarkDirectGET(b *testing.B) {
	h := newHarness(b, nil)
	target := h.ups["pricing"].url().String() + "/api/v1/prices"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	b.ReportAllocs()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(target)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
