package tracing

import (
	"context"
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

type nopRoundTripper struct{ resp *http.Response }

func (n nopRoundTripper) RoundTrip(*http.Request) (*http.Response, error) { return n.resp, nil }

// BenchmarkTransportWithoutRecording is the gateway's case when no exporter is set: the
// request already carries traceparent, so Transport must add (almost) nothing.
func BenchmarkTransportWithoutRecording(b *testing.B) {
	base := nopRoundTripper{resp: &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}}
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{2}}))
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://upstream/x", nil)
	req.Header.Set("traceparent", "00-01000000000000000000000000000000-0200000000000000-00")
	for _, bc := range []struct {
		name string
		rt   http.RoundTripper
	}{{"base", base}, {"traced", Transport(base)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.rt.RoundTrip(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
