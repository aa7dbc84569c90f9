// Package logtest helps tests read what was logged.
package logtest

import (
	"bytes"
	"sync"
)

// Buffer collects log output written from concurrent goroutines (handlers, flushers); tests
// read it with String while writes go on.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
