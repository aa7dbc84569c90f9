package e2e

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// catalog is one set of entities an offering can be built from.
type catalog struct {
	spec  specification
	price price
}

func newCatalog(admin *client, label string) catalog {
	ch := admin.createCharacteristic(unique(label+" speed"), "100", "Mbps")
	return catalog{
		spec:  admin.createSpecification(unique(label+" spec"), ch.ID),
		price: admin.createPrice(unique(label+" price"), "29.90", "EUR"),
	}
}

func startWorkers(t *testing.T, component string) string {
	t.Helper()
	name := component + "-workers"
	var err error
	if stack.Running(name) {
		return name
	}
	if containsString(stack.Components(), name) {
		err = stack.Restart(context.Background(), name)
	} else {
		err = stack.LaunchExtra(context.Background(), component, name, map[string]string{"RUN_PARTS": "workers"})
	}
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	return name
}

func stopWorkers(t *testing.T, component string) {
	t.Helper()
	name := component + "-workers"
	if !stack.Running(name) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := stack.StopOne(ctx, name); err != nil {
		t.Fatalf("stop %s: %v", name, err)
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// The scenarios share one stack and run in order: which workers run is part of each one.
func TestPublicationSaga(t *testing.T) {
	gw := newClient(t, stack.URL("gateway"))
	admin := gw.login("admin", "admin")

	t.Run("a failed validation compensates: offering back to DRAFT with the reason, prices released, no store entry", func(t *testing.T) {
		stopWorkers(t, "specification")
		cat := newCatalog(admin, "comp")
		off := admin.createOffering(unique("Comp offer"), "will fail validation", []string{cat.spec.ID}, []string{cat.price.ID})
		admin.publish(off.ID)
		// lock-prices ran; validate-specifications waits for a worker.
		eventually(t, 20*time.Second, func() string {
			if !admin.getPrice(cat.price.ID).Locked {
				return "price not locked yet"
			}
			return ""
		})
		admin.must(http.StatusNoContent, http.MethodDelete, "/api/v1/specifications/"+cat.spec.ID, nil, nil)
		startWorkers(t, "specification")
		got := admin.waitStatus(off.ID, "DRAFT", 30*time.Second)
		if got.FailureReason == nil || !strings.Contains(*got.FailureReason, cat.spec.ID) {
			t.Fatalf("failure reason %v does not name the missing specification %s", got.FailureReason, cat.spec.ID)
		}
		eventually(t, 20*time.Second, func() string {
			if admin.getPrice(cat.price.ID).Locked {
				return "price still locked after compensation"
			}
			return ""
		})
		if s := admin.storeStatus(off.ID); s != http.StatusNotFound {
			t.Fatalf("store entry of a failed publication answers %d, want 404", s)
		}
	})

	var published offering
	var happy catalog
	t.Run("the happy path publishes: PUBLISHED, prices held, store entry present", func(t *testing.T) {
		startWorkers(t, "specification")
		happy = newCatalog(admin, "happy")
		off := admin.createOffering(unique("Fiber Max"), "Symmetric fiber for gamers", []string{happy.spec.ID}, []string{happy.price.ID})
		started := admin.publish(off.ID)
		if started.LifecycleStatus != "PUBLISHING" || started.SagaID == nil || *started.SagaID == "" {
			t.Fatalf("publish answered %+v, want PUBLISHING with a saga id", started)
		}
		published = admin.waitStatus(off.ID, "PUBLISHED", 30*time.Second)
		p := admin.getPrice(happy.price.ID)
		if !p.Locked {
			t.Fatal("price of a published offering is not held")
		}
		eventually(t, 20*time.Second, func() string {
			if s := gw.storeStatus(off.ID); s != http.StatusOK {
				return "store entry not visible yet"
			}
			return ""
		})
	})

	t.Run("two offerings sharing a price, published concurrently, both end PUBLISHED", func(t *testing.T) {
		cat := newCatalog(admin, "shared")
		a := admin.createOffering(unique("Shared A"), "first", []string{cat.spec.ID}, []string{cat.price.ID})
		b := admin.createOffering(unique("Shared B"), "second", []string{cat.spec.ID}, []string{cat.price.ID})
		var wg sync.WaitGroup
		for _, id := range []string{a.ID, b.ID} {
			wg.Add(1)
			go func() { defer wg.Done(); admin.publish(id) }()
		}
		wg.Wait()
		admin.waitStatus(a.ID, "PUBLISHED", 30*time.Second)
		admin.waitStatus(b.ID, "PUBLISHED", 30*time.Second)

		admin.must(http.StatusOK, http.MethodPost, "/api/v1/offerings/"+a.ID+"/retire", nil, nil)
		// B still holds the price.
		eventually(t, 10*time.Second, func() string {
			if !admin.getPrice(cat.price.ID).Locked {
				return "price released while offering B still holds it"
			}
			return ""
		})
		if r := admin.do(http.MethodPut, "/api/v1/prices/"+cat.price.ID, map[string]any{"name": "x", "value": "1.00", "unit": "month", "currency": "EUR"}); r.Status != http.StatusLocked {
			t.Fatalf("editing a held price = %d, want 423", r.Status)
		}
	})

	t.Run("retire releases the offering's holds and removes it from the store", func(t *testing.T) {
		if published.ID == "" {
			t.Fatal("needs the happy path's offering")
		}
		admin.must(http.StatusOK, http.MethodPost, "/api/v1/offerings/"+published.ID+"/retire", nil, nil)
		eventually(t, 20*time.Second, func() string {
			if admin.getPrice(happy.price.ID).Locked {
				return "price still held after retire"
			}
			if s := gw.storeStatus(published.ID); s != http.StatusNotFound {
				return "retired offering still in the store"
			}
			return ""
		})
	})

	t.Run("a saga whose store step never runs times out and compensates", func(t *testing.T) {
		startWorkers(t, "specification")
		cat := newCatalog(admin, "timeout")
		off := admin.createOffering(unique("Slow offer"), "store-query is down", []string{cat.spec.ID}, []string{cat.price.ID})
		// With store-query stopped, create-store-entry has no worker: the saga can only wait.
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := stack.StopOne(stopCtx, "store-query"); err != nil {
			t.Fatalf("stop store-query: %v", err)
		}
		admin.publish(off.ID)
		start := time.Now()
		eventually(t, 20*time.Second, func() string {
			if !admin.getPrice(cat.price.ID).Locked {
				return "price not locked yet"
			}
			return ""
		})
		// The deadline fires while create-store-entry waits; the compensation's first step is
		// the store's too, so store-query comes back once the deadline has passed.
		eventually(t, sagaTimeout+20*time.Second, func() string {
			if time.Since(start) < sagaTimeout {
				return "deadline not reached"
			}
			return ""
		})
		if err := stack.Restart(context.Background(), "store-query"); err != nil {
			t.Fatalf("restart store-query: %v", err)
		}
		got := admin.waitStatus(off.ID, "DRAFT", 30*time.Second)
		if got.FailureReason == nil || !strings.Contains(strings.ToLower(*got.FailureReason), "timed out") {
			t.Fatalf("failure reason %v does not say the saga timed out", got.FailureReason)
		}
		eventually(t, 20*time.Second, func() string {
			if admin.getPrice(cat.price.ID).Locked {
				return "price still locked after the timeout"
			}
			return ""
		})
	})
}
