package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tmfcatalog/platform/libs/auth"
	"github.com/tmfcatalog/platform/libs/auth/authtest"
)

func TestServiceTokenSourceFetchesOnceAndCaches(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	iss.AddClient("pricing", "s3cret:&=")
	var requests atomic.Int32
	src := auth.NewServiceTokenSource(iss.URL()+"/", "pricing", "s3cret:&=", countingClient(&requests))
	ctx := context.Background()
	var wg sync.WaitGroup
	tokens := make([]string, 8)
	for i := range tokens {
		wg.Go(func() {
			tok, err := src.Token(ctx)
			if err != nil {
				t.Error(err)
			}
			tokens[i] = tok
		})
	}
	wg.Wait()
	for _, tok := range tokens[1:] {
		if tok != tokens[0] {
			t.Fatal("concurrent callers got different tokens")
		}
	}
	if got := requests.Load(); got != 1 {
		t.Fatalf("token requests = %d, want 1", got)
	}
	p, err := iss.Verifier().Verify(ctx, tokens[0])
	if err != nil {
		t.Fatal(err)
	}
	if p.Role != auth.RoleService || p.Username != "pricing" {
		t.Fatalf("principal = %+v", p)
	}
	src.Invalidate()
	if _, err := src.Token(ctx); err != nil {
		t.Fatal(err)
	}
	if got := requests.Load(); got != 2 {
		t.Fatalf("token requests after Invalidate = %d, want 2", got)
	}
}

func TestServiceTokenSourceReportsRefusal(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	iss.AddClient("pricing", "right")
	_, err := auth.NewServiceTokenSource(iss.URL(), "pricing", "wrong", nil).Token(context.Background())
	var refused *auth.TokenRequestError
	if !errors.As(err, &refused) || refused.Status != http.StatusUnauthorized {
		t.Fatalf("err = %v, want TokenRequestError 401", err)
	}
}

func TestServiceTokenTransportAuthenticatesOutboundCalls(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	iss.AddClient("gateway", "pw")
	downstream := httptest.NewServer(protected(iss.Verifier()))
	defer downstream.Close()
	src := auth.NewServiceTokenSource(iss.URL(), "gateway", "pw", nil)
	hc := &http.Client{Transport: src.Transport(nil)}
	resp, err := hc.Get(downstream.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
}
