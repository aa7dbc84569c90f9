package reliability

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestNamesAreStoredLiterally creates characteristics whose names hold unicode, emoji and
// injection strings: each is accepted and read back byte for byte (never interpreted).
func TestNamesAreStoredLiterally(t *testing.T) {
	ctx := context.Background()
	c := gateway(adminToken)
	suffix := randomHex(3)
	names := []string{
		"Vitesse ünïcödé — データ速度 " + suffix,
		"Speed 🚀📶 " + suffix,
		"x'); DROP TABLE characteristics; -- " + suffix,
		`{"$gt": ""} ` + suffix,
		"<script>alert(1)</script> " + suffix,
		strings.Repeat("🚀", 200-len([]rune(" "+suffix))) + " " + suffix,
	}
	for i, name := range names {
		t.Run(fmt.Sprintf("name %d round-trips", i), func(t *testing.T) {
			var created struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			}
			if _, err := c.Expect(ctx, http.StatusCreated, http.MethodPost, "/api/v1/characteristics",
				map[string]any{"name": name, "value": "1", "unit_of_measure": "Mbps"}, &created); err != nil {
				t.Fatal(err)
			}
			var got struct {
				Name string `json:"name"`
			}
			if _, err := c.Expect(ctx, http.StatusOK, http.MethodGet, "/api/v1/characteristics/"+created.ID, nil, &got); err != nil {
				t.Fatal(err)
			}
			if got.Name != name {
				t.Fatalf("stored name %q, sent %q", got.Name, name)
			}
		})
	}
	t.Run("a name of 201 emoji is refused", func(t *testing.T) {
		r, err := c.JSON(ctx, http.MethodPost, "/api/v1/characteristics",
			map[string]any{"name": strings.Repeat("🚀", 201), "value": "1", "unit_of_measure": "Mbps"})
		if err != nil {
			t.Fatal(err)
		}
		checkRefused(t, r, invalid)
	})
	t.Run("the catalog still answers after the injection attempts", func(t *testing.T) {
		if _, err := c.Expect(ctx, http.StatusOK, http.MethodGet, "/api/v1/characteristics?limit=1", nil, nil); err != nil {
			t.Fatal(err)
		}
	})
}
