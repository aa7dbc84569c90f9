package logging

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tmfcatalog/platform/libs/chassis/poll"
)

// sink records every write it gets.
type sink struct {
	mu     sync.Mutex
	writes []string
	fail   error
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return 0, s.fail
	}
	s.writes = append(s.writes, string(p))
	return len(p), nil
}

func (s *sink) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.writes, "")
}

func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.writes)
}

func TestLineBufferWritesLinesInBatchesAndAllOnClose(t *testing.T) {
	t.Parallel()
	out := &sink{}
	b := NewLineBuffer(out, 4<<10, time.Hour) // no periodic flush during the test
	for i := range 10 {
		if _, err := fmt.Fprintf(b, "line %d\n", i); err != nil {
			t.Fatal(err)
		}
	}
	if out.count() != 0 {
		t.Fatalf("%d writes before the buffer filled or closed, want 0", out.count())
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if out.count() != 1 {
		t.Fatalf("%d writes on close, want 1 batch", out.count())
	}
	var want strings.Builder
	for i := range 10 {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	if out.text() != want.String() {
		t.Fatalf("wrote %q, want %q", out.text(), want.String())
	}
	if _, err := b.Write([]byte("after close\n")); err != nil || !strings.HasSuffix(out.text(), "after close\n") {
		t.Fatalf("a line written after Close was not passed through: %v", err)
	}
}

func TestLineBufferFlushesWithinItsInterval(t *testing.T) {
	t.Parallel()
	out := &sink{}
	b := NewLineBuffer(out, 64<<10, 20*time.Millisecond)
	defer b.Close()
	start := time.Now()
	if _, err := b.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if !poll.Until(5*time.Second, func() bool { return out.text() == "hello\n" }) {
		t.Fatal("a buffered line was not written within 5 s (interval 20 ms)")
	}
	t.Logf("line written after %v", time.Since(start))
}

func TestLineBufferNeverSplitsALineAndKeepsOrderWhenFull(t *testing.T) {
	t.Parallel()
	out := &sink{}
	b := NewLineBuffer(out, 4<<10, time.Hour)
	line := strings.Repeat("x", 999) + "\n" // four fit in 4 KiB, the fifth does not
	huge := strings.Repeat("y", 9999) + "\n"
	var want bytes.Buffer
	for _, l := range []string{line, line, line, line, line, huge, line} {
		if _, err := b.Write([]byte(l)); err != nil {
			t.Fatal(err)
		}
		want.WriteString(l)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for i, w := range out.writes {
		if !strings.HasSuffix(w, "\n") {
			t.Fatalf("write %d ends mid-line", i)
		}
	}
	if out.text() != want.String() {
		t.Fatal("lines lost or reordered")
	}
}

func TestLineBufferConcurrentWritersLoseNothing(t *testing.T) {
	t.Parallel()
	out := &sink{}
	b := NewLineBuffer(out, 4<<10, time.Millisecond*10)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				fmt.Fprintf(b, "g%d-%d\n", g, i)
			}
		})
	}
	wg.Wait()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out.text(), "\n"), "\n")
	if len(got) != 8*500 {
		t.Fatalf("%d lines, want %d", len(got), 8*500)
	}
	seen := map[string]bool{}
	for _, l := range got {
		seen[l] = true
	}
	if len(seen) != 8*500 {
		t.Fatalf("%d distinct lines, want %d (lines mangled)", len(seen), 8*500)
	}
}

func TestLineBufferReportsAFailedWriteOnClose(t *testing.T) {
	t.Parallel()
	broken := errors.New("disk full")
	b := NewLineBuffer(&sink{fail: broken}, 4<<10, time.Hour)
	if _, err := b.Write([]byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); !errors.Is(err, broken) {
		t.Fatalf("Close = %v, want the write error", err)
	}
}
