package observability

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// wantSpan is a span the publish trace must hold: which service made it and a part of its name.
type wantSpan struct {
	what, service, name, kind string
}

func TestOnePublishIsOneTraceAcrossEveryService(t *testing.T) {
	p, err := published()
	if err != nil {
		t.Fatal(err)
	}
	want := []wantSpan{
		{"the gateway's server span", "gateway", "POST /api/v1/offerings/", "SERVER"},
		{"the offering service's server span", "offering", "POST /", "SERVER"},
		{"a database query in the offering service", "offering", "offering", "CLIENT"},
		{"the lock-prices job in pricing", "pricing", "SAGA offering-publication lock-prices", "CONSUMER"},
		{"the validate-specifications job in specification", "specification", "SAGA offering-publication validate-specifications", "CONSUMER"},
		{"the create-store-entry job in the store", "store-query", "SAGA offering-publication create-store-entry", "CONSUMER"},
		{"the confirm-publication job in offering", "offering", "SAGA offering-publication confirm-publication", "CONSUMER"},
		{"the outbox relay publishing OfferingPublished", "offering", "publish ", "PRODUCER"},
		{"the store consuming OfferingPublished", "store-query", "consume OfferingPublished", "CONSUMER"},
	}
	var got []zipkinSpan
	eventually(t, 90*time.Second, func() string {
		got = spans.trace(p.TraceID)
		var missing []string
		for _, w := range want {
			if !hasSpan(got, w) {
				missing = append(missing, w.what)
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf("trace %s lacks %s; it has %d spans:\n%s", p.TraceID, strings.Join(missing, ", "), len(got), describe(got))
		}
		if orphans := orphans(got, p.ClientSpanID); len(orphans) > 0 {
			return fmt.Sprintf("spans whose parent is not in the trace: %s\n%s", strings.Join(orphans, ", "), describe(got))
		}
		return ""
	})
	if n := spans.rejected(); n > 0 {
		t.Errorf("%d span posts were not Zipkin v2 JSON", n)
	}
	roots := 0
	for _, s := range got {
		if s.ParentID == p.ClientSpanID {
			roots++
			if s.LocalEndpoint.ServiceName != "gateway" {
				t.Errorf("the span continuing the client's traceparent is %q from %s, want the gateway's", s.Name, s.LocalEndpoint.ServiceName)
			}
		}
	}
	if roots != 1 {
		t.Errorf("%d spans are children of the client's span, want 1 (the gateway's server span)", roots)
	}
}

func hasSpan(got []zipkinSpan, w wantSpan) bool {
	for _, s := range got {
		// Zipkin's model lower-cases span names.
		if s.LocalEndpoint.ServiceName == w.service && s.Kind == w.kind && strings.Contains(s.Name, strings.ToLower(w.name)) {
			if w.kind == "CLIENT" && s.Tags["db.system"] != "postgresql" {
				continue
			}
			return true
		}
	}
	return false
}

// orphans lists the spans whose parent id is neither a collected span nor the client's root.
func orphans(got []zipkinSpan, root string) []string {
	ids := map[string]bool{root: true}
	for _, s := range got {
		ids[s.ID] = true
	}
	var out []string
	for _, s := range got {
		if s.ParentID == "" || !ids[s.ParentID] {
			out = append(out, s.LocalEndpoint.ServiceName+"/"+s.Name)
		}
	}
	return out
}

func describe(got []zipkinSpan) string {
	sorted := append([]zipkinSpan(nil), got...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Timestamp < sorted[j].Timestamp })
	var b strings.Builder
	for _, s := range sorted {
		fmt.Fprintf(&b, "  %-14s %-9s %-55s id=%s parent=%s\n", s.LocalEndpoint.ServiceName, s.Kind, s.Name, s.ID, s.ParentID)
	}
	return b.String()
}
