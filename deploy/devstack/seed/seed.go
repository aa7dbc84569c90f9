// Package seed loads a demo catalog into a running platform through its gateway, the way an
// admin would: characteristics, specifications, prices, then offerings, most of them published
// through the saga. It is idempotent: every entity is looked up by its (unique) name first and
// only missing ones are created; offerings already PUBLISHED are left alone.
package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
)

// Options say where and as whom to seed.
type Options struct {
	Gateway  string       // gateway base URL, e.g. http://127.0.0.1:8000
	User     string       // an ADMIN account (dev stack: admin)
	Password string       // its password (dev stack: admin)
	HTTP     *http.Client // nil: a client with a 15 s timeout
	Out      io.Writer    // progress lines; nil: none
	// PublishTimeout bounds the wait for each offering to reach PUBLISHED (default 90 s),
	// including the time the offering service needs to learn of new prices and specifications.
	PublishTimeout time.Duration
}

// Report counts what a run did, per kind ("characteristic", "specification", "price",
// "offering"), and lists the offering ids by state.
type Report struct {
	Created   map[string]int
	Existing  map[string]int
	Published []string // offerings PUBLISHED at the end (already or by this run)
	Drafts    []string // offerings deliberately left DRAFT
}

// named is any catalog entity, as far as the look-up by name needs it.
type named struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// offering is an offering as the seeder reads it.
type offering struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	LifecycleStatus string  `json:"lifecycle_status"`
	FailureReason   *string `json:"failure_reason"`
}

// Run logs in and makes sure every entity of cat exists, then publishes the offerings marked
// Publish that are not PUBLISHED yet and waits for each.
func Run(ctx context.Context, opts Options, cat Catalog) (Report, error) {
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.PublishTimeout == 0 {
		opts.PublishTimeout = 90 * time.Second
	}
	rep := Report{Created: map[string]int{}, Existing: map[string]int{}}
	if err := cat.Validate(); err != nil {
		return rep, fmt.Errorf("seed catalog: %w", err)
	}
	c := &client{base: opts.Gateway, http: opts.HTTP}
	if err := c.login(ctx, opts.User, opts.Password); err != nil {
		return rep, err
	}
	r := &run{c: c, out: opts.Out, rep: &rep}

	chars, err := r.ensure(ctx, "characteristic", "/api/v1/characteristics", names(cat.Characteristics, func(x Characteristic) string { return x.Name }),
		func(i int) any {
			x := cat.Characteristics[i]
			return map[string]any{"name": x.Name, "value": x.Value, "unit_of_measure": x.Unit}
		})
	if err != nil {
		return rep, err
	}
	specs, err := r.ensure(ctx, "specification", "/api/v1/specifications", names(cat.Specifications, func(x Specification) string { return x.Name }),
		func(i int) any {
			x := cat.Specifications[i]
			return map[string]any{"name": x.Name, "characteristic_ids": lookup(chars, x.Characteristics)}
		})
	if err != nil {
		return rep, err
	}
	prices, err := r.ensure(ctx, "price", "/api/v1/prices", names(cat.Prices, func(x Price) string { return x.Name }),
		func(i int) any {
			x := cat.Prices[i]
			return map[string]any{"name": x.Name, "value": x.Value, "unit": x.Unit, "currency": x.Currency}
		})
	if err != nil {
		return rep, err
	}
	offerings, err := r.offerings(ctx, cat.Offerings, specs, prices)
	if err != nil {
		return rep, err
	}
	return rep, r.publish(ctx, cat.Offerings, offerings, opts.PublishTimeout)
}

type run struct {
	c   *client
	out io.Writer
	rep *Report
}

func names[T any](xs []T, name func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = name(x)
	}
	return out
}

// lookup maps names to ids; a name missing from ids is a bug in the catalog, caught by
// validate before anything is created.
func lookup(ids map[string]string, want []string) []string {
	out := make([]string, 0, len(want))
	for _, n := range want {
		out = append(out, ids[n])
	}
	return out
}

// ensure lists a collection, creates every wanted name that is missing (body(i) is the
// create request of wanted[i]) and returns name → id for the wanted names.
func (r *run) ensure(ctx context.Context, kind, path string, wanted []string, body func(i int) any) (map[string]string, error) {
	existing, err := listAll[named](ctx, r.c, path)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, e := range existing {
		ids[e.Name] = e.ID
	}
	out := map[string]string{}
	for i, n := range wanted {
		if id, ok := ids[n]; ok {
			out[n] = id
			r.rep.Existing[kind]++
			continue
		}
		id, err := r.create(ctx, path, n, body(i))
		if err != nil {
			return nil, fmt.Errorf("create %s %q: %w", kind, n, err)
		}
		out[n] = id
		r.rep.Created[kind]++
		fmt.Fprintf(r.out, "created %-14s %s\n", kind, n)
	}
	return out, nil
}

// create posts body to path and returns the new entity's id. A create is not blindly
// repeatable, so after a server error or a conflict it looks the name up: an entity that was
// stored before the answer got lost is taken as created; otherwise a server error is retried
// a few times.
func (r *run) create(ctx context.Context, path, name string, body any) (string, error) {
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		if attempt > 0 {
			if perr := pause(ctx, time.Duration(attempt)*time.Second); perr != nil {
				return "", perr
			}
		}
		var created named
		err = r.c.call(ctx, http.MethodPost, path, body, &created, http.StatusCreated)
		if err == nil {
			return created.ID, nil
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || (apiErr.Status < 500 && apiErr.Status != http.StatusConflict) {
			return "", err
		}
		all, lerr := listAll[named](ctx, r.c, path)
		if lerr != nil {
			return "", errors.Join(err, lerr)
		}
		for _, e := range all {
			if e.Name == name {
				return e.ID, nil
			}
		}
		if apiErr.Status == http.StatusConflict {
			return "", err
		}
	}
	return "", err
}

// offerings creates the missing offerings and returns name → current state of each wanted one.
func (r *run) offerings(ctx context.Context, wanted []Offering, specs, prices map[string]string) (map[string]offering, error) {
	existing, err := listAll[offering](ctx, r.c, "/api/v1/offerings")
	if err != nil {
		return nil, err
	}
	byName := map[string]offering{}
	for _, e := range existing {
		byName[e.Name] = e
	}
	out := map[string]offering{}
	for _, o := range wanted {
		if e, ok := byName[o.Name]; ok {
			out[o.Name] = e
			r.rep.Existing["offering"]++
			continue
		}
		body := map[string]any{"name": o.Name, "description": o.Description, "sales_channels": o.Channels,
			"specification_ids": lookup(specs, o.Specifications), "pricing_ids": lookup(prices, o.Prices)}
		id, err := r.create(ctx, "/api/v1/offerings", o.Name, body)
		if err != nil {
			return nil, fmt.Errorf("create offering %q: %w", o.Name, err)
		}
		out[o.Name] = offering{ID: id, Name: o.Name, LifecycleStatus: "DRAFT"}
		r.rep.Created["offering"]++
		fmt.Fprintf(r.out, "created %-14s %s\n", "offering", o.Name)
	}
	return out, nil
}

// publish starts the saga for every offering to publish that is DRAFT, then waits until each
// one is PUBLISHED. An offering already PUBLISHING is only waited for.
func (r *run) publish(ctx context.Context, wanted []Offering, current map[string]offering, timeout time.Duration) error {
	var waiting []offering
	for _, o := range wanted {
		cur := current[o.Name]
		if !o.Publish {
			r.rep.Drafts = append(r.rep.Drafts, cur.ID)
			continue
		}
		switch cur.LifecycleStatus {
		case "PUBLISHED":
			r.rep.Published = append(r.rep.Published, cur.ID)
			continue
		case "DRAFT":
			if err := r.startPublication(ctx, cur, timeout); err != nil {
				return err
			}
			fmt.Fprintf(r.out, "publishing     %s\n", o.Name)
		case "PUBLISHING":
		default:
			fmt.Fprintf(r.out, "skipped        %s: it is %s\n", o.Name, cur.LifecycleStatus)
			continue
		}
		waiting = append(waiting, cur)
	}
	for _, o := range waiting {
		if err := r.waitPublished(ctx, o, timeout); err != nil {
			return err
		}
		r.rep.Published = append(r.rep.Published, o.ID)
		fmt.Fprintf(r.out, "published      %s\n", o.Name)
	}
	slices.Sort(r.rep.Published)
	return nil
}

// startPublication asks for publication. The offering service learns of new specifications
// and prices through events, so a 400 right after creating them is retried until the deadline.
func (r *run) startPublication(ctx context.Context, o offering, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := r.c.call(ctx, http.MethodPost, "/api/v1/offerings/"+o.ID+"/publish", nil, nil, http.StatusAccepted)
		if err == nil || isStatus(err, http.StatusOK) {
			return nil
		}
		if !isStatus(err, http.StatusBadRequest) || time.Now().After(deadline) {
			return fmt.Errorf("publish offering %q: %w", o.Name, err)
		}
		if err := pause(ctx, 250*time.Millisecond); err != nil {
			return err
		}
	}
}

// waitPublished polls the offering until it is PUBLISHED; back in DRAFT means the saga failed.
func (r *run) waitPublished(ctx context.Context, o offering, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var cur offering
		if err := r.c.call(ctx, http.MethodGet, "/api/v1/offerings/"+o.ID, nil, &cur, http.StatusOK); err != nil {
			return fmt.Errorf("poll offering %q: %w", o.Name, err)
		}
		switch cur.LifecycleStatus {
		case "PUBLISHED":
			return nil
		case "DRAFT":
			reason := "no reason given"
			if cur.FailureReason != nil {
				reason = *cur.FailureReason
			}
			return fmt.Errorf("publication of offering %q failed: %s", o.Name, reason)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("offering %q is still %s after %s", o.Name, cur.LifecycleStatus, timeout)
		}
		if err := pause(ctx, 250*time.Millisecond); err != nil {
			return err
		}
	}
}

// Validate checks that every name a catalog refers to is defined in it.
func (cat Catalog) Validate() error {
	var errs []error
	chars := map[string]bool{}
	for _, c := range cat.Characteristics {
		chars[c.Name] = true
	}
	specs, prices := map[string]bool{}, map[string]bool{}
	for _, s := range cat.Specifications {
		specs[s.Name] = true
		for _, n := range s.Characteristics {
			if !chars[n] {
				errs = append(errs, fmt.Errorf("specification %q: unknown characteristic %q", s.Name, n))
			}
		}
	}
	for _, p := range cat.Prices {
		prices[p.Name] = true
	}
	for _, o := range cat.Offerings {
		for _, n := range o.Specifications {
			if !specs[n] {
				errs = append(errs, fmt.Errorf("offering %q: unknown specification %q", o.Name, n))
			}
		}
		for _, n := range o.Prices {
			if !prices[n] {
				errs = append(errs, fmt.Errorf("offering %q: unknown price %q", o.Name, n))
			}
		}
	}
	return errors.Join(errs...)
}
