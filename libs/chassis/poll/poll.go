// Package poll waits for a condition with a deadline: tests use it instead of sleeping, so
// they take as long as the condition needs and no longer.
package poll

import "time"

// every is how often the condition is checked.
const every = 2 * time.Millisecond

// Until checks cond at once and then every few milliseconds until it holds (true) or within
// has passed (false, after a last check).
func Until(within time.Duration, cond func() bool) bool {
	if cond() {
		return true
	}
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			if cond() {
				return true
			}
		case <-deadline.C:
			return cond()
		}
	}
}
