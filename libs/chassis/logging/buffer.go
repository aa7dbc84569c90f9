package logging

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// LineBuffer collects log lines in memory and hands them to the underlying writer in one write
// when it holds size bytes, and at the latest every interval, so a busy access log costs a
// write syscall per batch instead of per line. Lines are never split: every write to the
// underlying writer holds whole lines, in the order they came. Close writes what is left;
// lines written after Close go straight through, so none are lost while a server drains.
//
// A line is at most interval late, and up to interval of lines are lost if the process dies
// without calling Close (a crash, SIGKILL); callers that cannot afford that log directly.
type LineBuffer struct {
	w    io.Writer
	size int

	mu     sync.Mutex // guards buf, closed and err
	buf    []byte
	closed bool
	err    error // the first write error, reported again by Close

	wmu   sync.Mutex // serialises writes to w, held without mu so loggers do not wait for I/O
	spare []byte

	stop chan struct{}
	done chan struct{}
}

// NewLineBuffer returns a LineBuffer over w that holds up to size bytes (at least 4 KiB) and
// writes at least every interval (at least 10 ms).
func NewLineBuffer(w io.Writer, size int, interval time.Duration) *LineBuffer {
	size = max(size, 4<<10)
	interval = max(interval, 10*time.Millisecond)
	b := &LineBuffer{w: w, size: size, buf: make([]byte, 0, size), spare: make([]byte, 0, size),
		stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(interval)
	return b
}

// Write buffers p, which must be one or more whole lines (a slog handler writes one record
// per call). A batch too large for the buffer is written at once.
func (b *LineBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.wmu.Lock()
		defer b.wmu.Unlock()
		return b.w.Write(p)
	}
	if len(b.buf)+len(p) <= b.size {
		b.buf = append(b.buf, p...)
		b.mu.Unlock()
		return len(p), nil
	}
	b.mu.Unlock()
	// Full: write out what is buffered (keeping the order), then p.
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if err := b.writeBuffered(); err != nil {
		return 0, err
	}
	b.mu.Lock()
	if len(b.buf)+len(p) <= b.size && !b.closed {
		b.buf = append(b.buf, p...)
		b.mu.Unlock()
		return len(p), nil
	}
	b.mu.Unlock()
	if err := b.writeBuffered(); err != nil { // lines other writers added meanwhile go first
		return 0, err
	}
	return b.w.Write(p)
}

// Flush writes what is buffered now.
func (b *LineBuffer) Flush() error {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	return b.writeBuffered()
}

// Close stops the periodic flush and writes what is left. Later writes go straight through.
func (b *LineBuffer) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	close(b.stop)
	<-b.done
	b.wmu.Lock()
	defer b.wmu.Unlock()
	if err := b.writeBuffered(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// writeBuffered swaps the buffer for the spare one and writes it; the caller holds wmu.
func (b *LineBuffer) writeBuffered() error {
	b.mu.Lock()
	full := b.buf
	b.buf = b.spare[:0]
	b.mu.Unlock()
	if len(full) == 0 {
		b.spare = full
		return nil
	}
	_, err := b.w.Write(full)
	b.spare = full[:0]
	if err != nil {
		err = fmt.Errorf("write %d bytes of log lines: %w", len(full), err)
		b.mu.Lock()
		if b.err == nil {
			b.err = err
		}
		b.mu.Unlock()
	}
	return err
}

func (b *LineBuffer) flushEvery(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			// A failed write is kept for Close; the log has nowhere else to report it.
			_ = b.Flush()
		}
	}
}
