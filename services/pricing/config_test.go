package main

import (
	"strings"
	"testing"
)

func lookup(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	t.Run("defaults follow the shared conventions", func(t *testing.T) {
		c, err := loadConfig(lookup(nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.HTTPAddr != ":8004" || !strings.Contains(c.DatabaseURL, "/pricing_db") || c.Namespace != "" ||
			c.Verifier.JWKSURL == "" || !c.Parts.API || !c.Parts.Consumers || !c.Parts.Workers {
			t.Fatalf("defaults %+v", c)
		}
	})
	t.Run("RUN_PARTS selects parts", func(t *testing.T) {
		c, err := loadConfig(lookup(map[string]string{"RUN_PARTS": "api,consumers", "EVENT_NAMESPACE": "x."}))
		if err != nil || !c.Parts.API || !c.Parts.Consumers || c.Parts.Workers || c.Namespace != "x." {
			t.Fatalf("%+v %v", c, err)
		}
	})
	t.Run("an unknown part is named", func(t *testing.T) {
		if _, err := loadConfig(lookup(map[string]string{"RUN_PARTS": "api,cron"})); err == nil || !strings.Contains(err.Error(), "RUN_PARTS") {
			t.Fatalf("error = %v", err)
		}
	})
}
