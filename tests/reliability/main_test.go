// Package reliability holds the platform's reliability and security suites: a short fault
// suite (kills and broker disconnections under load, nothing acknowledged may be lost), a bad
// input suite over every route, an RBAC matrix against every service directly, security
// headers, login throttling and a scan of every log for leaked secrets. One stack, started by
// TestMain on random ports, serves every test.
package reliability

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/tests/reliability/internal/api"
	"github.com/tmfcatalog/platform/tests/reliability/internal/stackrun"
)

var (
	run *stackrun.Run
	// Tokens of the four callers of the RBAC matrix (anonymous has none).
	adminToken, userToken, serviceToken string
)

func TestMain(m *testing.M) {
	os.Exit(mainRun(m))
}

func mainRun(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	var err error
	run, err = stackrun.Start(ctx, "rel", stackrun.SagaTimeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := 1
	defer func() {
		if code != 0 {
			fmt.Fprintln(os.Stderr, "logs of the failed run are kept in", run.Dir+"/logs")
		}
		if err := run.Stop(code != 0); err != nil {
			fmt.Fprintln(os.Stderr, "stop:", err)
		}
	}()
	id := api.New(run.Stack.URL("identity"))
	if adminToken, err = id.Login(ctx, "admin", "admin"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if userToken, err = id.Login(ctx, "user", "user"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if serviceToken, err = id.ServiceToken(ctx, "pricing", "dev-secret-pricing"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code = m.Run()
	closeDBConns()
	return code
}

// direct returns a client for one component's own URL with token.
func direct(component, token string) *api.Client {
	return api.New(run.Stack.URL(component)).As(token)
}

// gateway returns a client for the gateway with token.
func gateway(token string) *api.Client {
	return api.New(run.Stack.URL("gateway")).As(token)
}

// eventually polls check until it returns "" or the timeout passes; the last complaint fails
// the test.
func eventually(t *testing.T, timeout time.Duration, check func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		last := check()
		if last == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not met after %s: %s", timeout, last)
		}
		<-tick.C
	}
}

// fixture is one set of entities the route tables aim at.
type fixture struct {
	charID, specID, priceID, offeringID string
}

var fixtures = map[string]fixture{}

// newFixture creates a characteristic, a specification, a price and a DRAFT offering through
// the gateway as ADMIN, waiting for the replicas each step needs.
func newFixture(t *testing.T, label string) fixture {
	t.Helper()
	if f, ok := fixtures[label]; ok {
		return f
	}
	ctx := context.Background()
	c := gateway(adminToken)
	var f fixture
	var out struct {
		ID string `json:"id"`
	}
	name := func(kind string) string { return fmt.Sprintf("%s %s %d", label, kind, time.Now().UnixNano()) }
	if _, err := c.Expect(ctx, http.StatusCreated, http.MethodPost, "/api/v1/characteristics",
		map[string]any{"name": name("char"), "value": "10", "unit_of_measure": "Mbps"}, &out); err != nil {
		t.Fatal(err)
	}
	f.charID = out.ID
	eventually(t, 60*time.Second, func() string {
		r, err := c.JSON(ctx, http.MethodPost, "/api/v1/specifications",
			map[string]any{"name": name("spec"), "characteristic_ids": []string{f.charID}})
		if err != nil || r.Status != http.StatusCreated {
			return fmt.Sprintf("create specification: %v %s", err, r)
		}
		_ = r.Decode(&out)
		return ""
	})
	f.specID = out.ID
	if _, err := c.Expect(ctx, http.StatusCreated, http.MethodPost, "/api/v1/prices",
		map[string]any{"name": name("price"), "value": "9.99", "unit": "month", "currency": "EUR"}, &out); err != nil {
		t.Fatal(err)
	}
	f.priceID = out.ID
	eventually(t, 60*time.Second, func() string {
		r, err := c.JSON(ctx, http.MethodPost, "/api/v1/offerings", map[string]any{
			"name": name("offer"), "description": "fixture", "specification_ids": []string{f.specID},
			"pricing_ids": []string{f.priceID}, "sales_channels": []string{"online"}})
		if err != nil || r.Status != http.StatusCreated {
			return fmt.Sprintf("create offering: %v %s", err, r)
		}
		_ = r.Decode(&out)
		return ""
	})
	f.offeringID = out.ID
	fixtures[label] = f
	return f
}

// expand replaces the {char}, {spec}, {price} and {offering} placeholders of a path.
func (f fixture) expand(path string) string {
	return strings.NewReplacer("{char}", f.charID, "{spec}", f.specID, "{price}", f.priceID, "{offering}", f.offeringID).Replace(path)
}
