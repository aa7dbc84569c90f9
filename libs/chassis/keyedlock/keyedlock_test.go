package keyedlock

import (
	"sync"
	"testing"
)

func TestLockSerialisesOneKeyAndForgetsIt(t *testing.T) {
	var k Map
	var wg sync.WaitGroup
	counter := 0
	for range 50 {
		wg.Go(func() {
			unlock := k.Lock("a")
			defer unlock()
			v := counter
			counter = v + 1
		})
	}
	wg.Wait()
	if counter != 50 {
		t.Fatalf("counter = %d, want 50: the lock let two holders in", counter)
	}
	if len(k.locks) != 0 {
		t.Fatalf("%d entries left after every holder unlocked", len(k.locks))
	}
}

func TestDifferentKeysDoNotBlockEachOther(t *testing.T) {
	var k Map
	unlockA := k.Lock("a")
	defer unlockA()
	done := make(chan struct{})
	go func() {
		k.Lock("b")()
		close(done)
	}()
	<-done // would hang (and time out the test) if "b" waited for "a"
}
