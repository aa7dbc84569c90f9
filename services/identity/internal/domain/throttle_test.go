package domain_test

import (
	"testing"
	"time"

	"github.com/tmfcatalog/platform/services/identity/internal/domain"
)

func TestThrottlePolicy(t *testing.T) {
	t.Parallel()
	p := domain.ThrottlePolicy{MaxFailures: 3, Window: time.Minute}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

	t.Run("attempts below the limit pass", func(t *testing.T) {
		var f domain.Failures
		p.Record(&f, t0)
		p.Record(&f, t0.Add(time.Second))
		if _, blocked := p.Blocked(&f, t0.Add(2*time.Second)); blocked {
			t.Fatal("blocked after 2 failures")
		}
	})
	t.Run("the limit blocks until the oldest failure leaves the window", func(t *testing.T) {
		var f domain.Failures
		for i := range 3 {
			p.Record(&f, t0.Add(time.Duration(i)*10*time.Second))
		}
		wait, blocked := p.Blocked(&f, t0.Add(30*time.Second))
		if !blocked || wait != 30*time.Second {
			t.Fatalf("blocked=%v wait=%v, want true 30s", blocked, wait)
		}
		if _, blocked := p.Blocked(&f, t0.Add(time.Minute)); blocked {
			t.Fatal("still blocked after the oldest failure expired")
		}
	})
	t.Run("history never grows past the limit", func(t *testing.T) {
		var f domain.Failures
		for i := range 100 {
			p.Record(&f, t0.Add(time.Duration(i)*time.Millisecond))
		}
		wait, blocked := p.Blocked(&f, t0.Add(time.Second))
		if !blocked || wait > time.Minute {
			t.Fatalf("blocked=%v wait=%v", blocked, wait)
		}
	})
	t.Run("expired failures leave an empty history", func(t *testing.T) {
		var f domain.Failures
		p.Record(&f, t0)
		if p.Empty(&f, t0.Add(30*time.Second)) {
			t.Fatal("empty too early")
		}
		if !p.Empty(&f, t0.Add(2*time.Minute)) {
			t.Fatal("not empty after the window")
		}
	})
	t.Run("a zero limit disables throttling", func(t *testing.T) {
		var f domain.Failures
		off := domain.ThrottlePolicy{}
		off.Record(&f, t0)
		if _, blocked := off.Blocked(&f, t0); blocked {
			t.Fatal("blocked with throttling off")
		}
	})
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]domain.Role{"ADMIN": domain.RoleAdmin, "user": domain.RoleUser} {
		if got, err := domain.ParseRole(in); err != nil || got != want {
			t.Fatalf("ParseRole(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "SERVICE", "root"} {
		if _, err := domain.ParseRole(bad); err == nil {
			t.Fatalf("ParseRole(%q) accepted", bad)
		}
	}
}
