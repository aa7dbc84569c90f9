package main

import (
	"strings"
	"testing"
)

func TestConfigDefaultsAndErrors(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(c config) bool
	}{
		{"defaults use port 8006, bleve and every part", nil, "", func(c config) bool {
			return c.HTTPAddr == ":8006" && c.ElasticURL == "" && c.MongoDatabase == "store" && c.Parts == parts{true, true, true}
		}},
		{"RUN_PARTS selects parts", map[string]string{"RUN_PARTS": "api"}, "", func(c config) bool {
			return c.Parts == parts{API: true}
		}},
		{"an unknown part is rejected", map[string]string{"RUN_PARTS": "api,cron"}, "RUN_PARTS", nil},
		{"a bad refresh policy is rejected", map[string]string{"ELASTICSEARCH_REFRESH": "sometimes"}, "ELASTICSEARCH_REFRESH", nil},
		{"a zero concurrency is rejected", map[string]string{"CONSUMER_CONCURRENCY": "0"}, "CONSUMER_CONCURRENCY", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(c) {
				t.Fatalf("config %+v, %v", c, err)
			}
		})
	}
}
