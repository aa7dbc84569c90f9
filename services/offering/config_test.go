package main

import (
	"strings"
	"testing"
	"time"
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
		if c.HTTPAddr != ":8005" || !strings.Contains(c.DatabaseURL, "/offering_db") || c.SagaTimeout != 2*time.Minute ||
			c.ZeebeAddress != "127.0.0.1:26500" || !c.Parts.API || !c.Parts.Consumers || !c.Parts.Workers {
			t.Fatalf("defaults %+v", c)
		}
	})
	t.Run("RUN_PARTS selects parts", func(t *testing.T) {
		c, err := loadConfig(lookup(map[string]string{"RUN_PARTS": "workers", "SAGA_TIMEOUT": "90s"}))
		if err != nil || c.Parts.API || c.Parts.Consumers || !c.Parts.Workers || c.SagaTimeout != 90*time.Second {
			t.Fatalf("%+v %v", c, err)
		}
	})
	t.Run("every bad variable is named", func(t *testing.T) {
		_, err := loadConfig(lookup(map[string]string{"RUN_PARTS": "api,cron", "SAGA_TIMEOUT": "soon"}))
		if err == nil || !strings.Contains(err.Error(), "RUN_PARTS") || !strings.Contains(err.Error(), "SAGA_TIMEOUT") {
			t.Fatalf("error = %v", err)
		}
	})
}
