package poll_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/poll"
)

func TestUntilReturnsOnceTheConditionHolds(t *testing.T) {
	var calls atomic.Int32
	if !poll.Until(10*time.Second, func() bool { return calls.Add(1) >= 3 }) {
		t.Fatal("a condition that holds on the third check was reported as never holding")
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("checked %d times, want 3 (it stops once the condition holds)", n)
	}
}

func TestUntilGivesUpAtTheDeadline(t *testing.T) {
	start := time.Now()
	if poll.Until(30*time.Millisecond, func() bool { return false }) {
		t.Fatal("a condition that never holds was reported as holding")
	}
	if waited := time.Since(start); waited < 30*time.Millisecond {
		t.Fatalf("gave up after %v, before the 30 ms deadline", waited)
	}
}
