package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// client talks to the platform through the gateway, as the web app does.
type client struct {
	t     *testing.T
	base  string
	token string
	http  *http.Client
}

type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func newClient(t *testing.T, base string) *client {
	return &client{t: t, base: base, http: &http.Client{Timeout: 15 * time.Second}}
}

func (c *client) do(method, path string, body any, headers ...string) response {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// must performs a request and fails the test unless the status is want.
func (c *client) must(want int, method, path string, body any, out any) response {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.Status != want {
		c.t.Fatalf("%s %s = %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	if out != nil {
		r.decode(c.t, out)
	}
	return r
}

func (c *client) login(username, password string) *client {
	c.t.Helper()
	form := url.Values{"username": {username}, "password": {password}}
	resp, err := c.http.Post(c.base+"/api/v1/auth/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		c.t.Fatalf("login %s = %d: %s", username, resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		c.t.Fatalf("login %s: no token (%v)", username, err)
	}
	return &client{t: c.t, base: c.base, token: tok.AccessToken, http: c.http}
}

// eventually polls check until it returns "" (success) or the deadline passes; the last
// complaint is the failure message.
func eventually(t *testing.T, timeout time.Duration, check func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	last := ""
	for {
		if last = check(); last == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met after %s: %s", timeout, last)
		}
		<-tick.C
	}
}

// Catalog entities, as the API returns them.
type characteristic struct {
	ID string `json:"id"`
}

type specification struct {
	ID string `json:"id"`
}

type price struct {
	ID             string  `json:"id"`
	Value          string  `json:"value"`
	Locked         bool    `json:"locked"`
	LockedBySagaID *string `json:"locked_by_saga_id"`
}

type offering struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	LifecycleStatus string  `json:"lifecycle_status"`
	SagaID          *string `json:"saga_id"`
	FailureReason   *string `json:"failure_reason"`
}

var seq int

func unique(prefix string) string {
	seq++
	return fmt.Sprintf("%s %d-%d", prefix, time.Now().UnixNano()%1_000_000, seq)
}

func (c *client) createCharacteristic(name, value, unit string) characteristic {
	var out characteristic
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/characteristics",
		map[string]any{"name": name, "value": value, "unit_of_measure": unit}, &out)
	return out
}

func (c *client) createSpecification(name string, charIDs ...string) specification {
	var out specification
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/specifications",
		map[string]any{"name": name, "characteristic_ids": charIDs}, &out)
	return out
}

func (c *client) createPrice(name, value, currency string) price {
	var out price
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/prices",
		map[string]any{"name": name, "value": value, "unit": "month", "currency": currency}, &out)
	return out
}

func (c *client) createOffering(name, description string, specIDs, priceIDs []string) offering {
	var out offering
	c.must(http.StatusCreated, http.MethodPost, "/api/v1/offerings", map[string]any{
		"name": name, "description": description, "specification_ids": specIDs,
		"pricing_ids": priceIDs, "sales_channels": []string{"online", "retail"},
	}, &out)
	return out
}

func (c *client) getOffering(id string) offering {
	var out offering
	c.must(http.StatusOK, http.MethodGet, "/api/v1/offerings/"+id, nil, &out)
	return out
}

func (c *client) getPrice(id string) price {
	var out price
	c.must(http.StatusOK, http.MethodGet, "/api/v1/prices/"+id, nil, &out)
	return out
}

// publish asks for publication; the offering service learns of new prices and specifications
// through events, so a 400 right after creating them is retried until the replicas caught up.
func (c *client) publish(id string) offering {
	c.t.Helper()
	var out offering
	eventually(c.t, 20*time.Second, func() string {
		r := c.do(http.MethodPost, "/api/v1/offerings/"+id+"/publish", nil)
		switch r.Status {
		case http.StatusAccepted, http.StatusOK:
			r.decode(c.t, &out)
			return ""
		case http.StatusBadRequest:
			return "publish refused: " + string(r.Body)
		default:
			c.t.Fatalf("publish %s = %d: %s", id, r.Status, r.Body)
			return ""
		}
	})
	return out
}

// waitStatus polls the offering until it reaches status.
func (c *client) waitStatus(id, status string, timeout time.Duration) offering {
	c.t.Helper()
	var last offering
	eventually(c.t, timeout, func() string {
		last = c.getOffering(id)
		if last.LifecycleStatus == status {
			return ""
		}
		reason := ""
		if last.FailureReason != nil {
			reason = *last.FailureReason
		}
		return fmt.Sprintf("offering %s is %s (reason %q), want %s", id, last.LifecycleStatus, reason, status)
	})
	return last
}

func (c *client) storeStatus(id string) int {
	return c.do(http.MethodGet, "/api/v1/store/offerings/"+id, nil).Status
}
