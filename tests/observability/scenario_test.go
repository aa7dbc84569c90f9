package observability

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// publication is what the shared scenario did: the offering it published, the correlation id
// it sent with the publish request, and the trace and span id of the (unexported) client span
// that request carried as its W3C traceparent.
type publication struct {
	OfferingID    string
	CorrelationID string
	TraceID       string
	ClientSpanID  string
}

var (
	scenarioOnce sync.Once
	scenario     publication
	scenarioErr  error
)

// published runs the scenario once for every test: log in as admin, build a characteristic,
// a specification, a price and an offering, publish it and wait until the store shows it.
func published() (publication, error) {
	scenarioOnce.Do(func() { scenario, scenarioErr = publish(context.Background()) })
	return scenario, scenarioErr
}

func publish(ctx context.Context) (publication, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	c := &api{base: stack.URL("gateway"), http: &http.Client{Timeout: 20 * time.Second}}
	if err := c.login(ctx, "admin", "admin"); err != nil {
		return publication{}, err
	}
	tag := randomHex(4)
	var ch, spec, price, off struct {
		ID string `json:"id"`
	}
	steps := []struct {
		path string
		body map[string]any
		out  any
	}{
		{"/api/v1/characteristics", map[string]any{"name": "Obs speed " + tag, "value": "100", "unit_of_measure": "Mbps"}, &ch},
		{"/api/v1/specifications", map[string]any{"name": "Obs spec " + tag, "characteristic_ids": []string{"<ch>"}}, &spec},
		{"/api/v1/prices", map[string]any{"name": "Obs price " + tag, "value": "19.90", "unit": "month", "currency": "EUR"}, &price},
		{"/api/v1/offerings", map[string]any{"name": "Obs offering " + tag, "description": "traced", "specification_ids": []string{"<spec>"},
			"pricing_ids": []string{"<price>"}, "sales_channels": []string{"online"}}, &off},
	}
	for _, s := range steps {
		fill(s.body, "<ch>", ch.ID)
		fill(s.body, "<spec>", spec.ID)
		fill(s.body, "<price>", price.ID)
		st, body, err := c.do(ctx, http.MethodPost, s.path, s.body, nil)
		if err != nil {
			return publication{}, err
		}
		if st != http.StatusCreated {
			return publication{}, fmt.Errorf("POST %s = %d: %s", s.path, st, body)
		}
		if err := json.Unmarshal(body, s.out); err != nil {
			return publication{}, fmt.Errorf("POST %s: %w", s.path, err)
		}
	}
	p := publication{OfferingID: off.ID, CorrelationID: "obs-" + randomHex(8)}
	// The offering service learns of the new specification and price through events, so the
	// publish request is repeated (each time as a new trace) until it is accepted.
	for {
		p.TraceID, p.ClientSpanID = randomHex(16), randomHex(8)
		st, body, err := c.do(ctx, http.MethodPost, "/api/v1/offerings/"+off.ID+"/publish", nil, http.Header{
			"X-Correlation-Id": {p.CorrelationID},
			"Traceparent":      {"00-" + p.TraceID + "-" + p.ClientSpanID + "-01"},
		})
		if err != nil {
			return p, err
		}
		if st == http.StatusAccepted || st == http.StatusOK {
			break
		}
		if st != http.StatusBadRequest {
			return p, fmt.Errorf("publish = %d: %s", st, body)
		}
		if err := pause(ctx, 300*time.Millisecond); err != nil {
			return p, fmt.Errorf("publish still refused: %s", body)
		}
	}
	for {
		st, body, err := c.do(ctx, http.MethodGet, "/api/v1/offerings/"+off.ID, nil, nil)
		if err != nil {
			return p, err
		}
		var o struct {
			Status string `json:"lifecycle_status"`
		}
		_ = json.Unmarshal(body, &o)
		if st == http.StatusOK && o.Status == "PUBLISHED" {
			if st, _, err := c.do(ctx, http.MethodGet, "/api/v1/store/offerings/"+off.ID, nil, nil); err == nil && st == http.StatusOK {
				return p, nil
			}
		}
		if err := pause(ctx, 300*time.Millisecond); err != nil {
			return p, fmt.Errorf("offering %s never reached PUBLISHED and the store (last: %d %s)", off.ID, st, body)
		}
	}
}

func fill(body map[string]any, placeholder, value string) {
	for k, v := range body {
		if l, ok := v.([]string); ok && len(l) == 1 && l[0] == placeholder {
			body[k] = []string{value}
		}
	}
}

// pause waits d unless ctx ends first.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// api talks to the platform through the gateway.
type api struct {
	base  string
	token string
	http  *http.Client
}

func (a *api) login(ctx context.Context, user, password string) error {
	form := url.Values{"username": {user}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/api/v1/auth/login", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		return fmt.Errorf("login %s = %d: no token (%v)", user, resp.StatusCode, err)
	}
	a.token = tok.AccessToken
	return nil
}

func (a *api) do(ctx context.Context, method, path string, body any, h http.Header) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, errors.Join(fmt.Errorf("%s %s: read body", method, path), err)
	}
	return resp.StatusCode, b, nil
}

// get fetches a URL outside the gateway (a service's own /metrics).
func get(ctx context.Context, rawURL string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s = %d", rawURL, resp.StatusCode)
	}
	return string(b), err
}
