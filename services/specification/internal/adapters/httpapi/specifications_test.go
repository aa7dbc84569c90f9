package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

func TestCreateSpecification(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	speed := f.characteristic("Speed", "100", "Mbps")
	storage := f.characteristic("Storage", "500", "GB")

	t.Run("an admin creates a specification and its Created event in the outbox", func(t *testing.T) {
		s := f.create(t, "Fiber", speed, storage, speed)
		if _, err := uuid.Parse(s.ID); err != nil || s.Name != "Fiber" || s.Version != 1 ||
			strings.Join(s.CharacteristicIDs, ",") != speed.String()+","+storage.String() {
			t.Fatalf("created %+v (duplicates must be kept once, in order)", s)
		}
		events := f.outboxEvents(t, s.ID)
		if len(events) != 1 || events[0].Topic != "resource.specifications.events" || events[0].EventType != "SpecificationCreated" ||
			events[0].EntityVersion != 1 || len(events[0].Payload["characteristic_ids"].([]any)) != 2 {
			t.Fatalf("outbox = %+v", events)
		}
	})

	t.Run("an id not replicated yet is looked up once at the characteristic service", func(t *testing.T) {
		late := uuid.New()
		f.remote.add(late, "Latency")
		f.create(t, "Late", speed, late)
		f.create(t, "Late again", late)
		if n := f.remote.count(late); n != 1 {
			t.Fatalf("lookups = %d, want 1 (the answer is replicated)", n)
		}
	})

	t.Run("unknown ids are named by position after one lookup each", func(t *testing.T) {
		ghost1, ghost2 := uuid.New(), uuid.New()
		r := f.do(t, "ADMIN", http.MethodPost, "/api/v1/specifications",
			map[string]any{"name": "Ghostly", "characteristic_ids": []string{speed.String(), ghost1.String(), ghost2.String()}})
		env := expectError(t, r, 422, "VALIDATION_ERROR", "characteristic_ids[1]", "characteristic_ids[2]")
		if !strings.Contains(env.Error.Details[0].Message, ghost1.String()) {
			t.Fatalf("detail %q does not name the id", env.Error.Details[0].Message)
		}
		if f.remote.count(ghost1) != 1 || f.remote.count(ghost2) != 1 {
			t.Fatalf("lookups = %d, %d, want 1 each", f.remote.count(ghost1), f.remote.count(ghost2))
		}
	})

	t.Run("an unreachable characteristic service is a 503 with Retry-After", func(t *testing.T) {
		f.remote.setBroken(true)
		defer f.remote.setBroken(false)
		r := f.do(t, "ADMIN", http.MethodPost, "/api/v1/specifications",
			map[string]any{"name": "Down", "characteristic_ids": []string{uuid.NewString()}})
		env := expectError(t, r, 503, "SERVICE_UNAVAILABLE")
		if r.Header.Get("Retry-After") == "" || strings.Contains(env.Error.Message, "127.0.0.1") {
			t.Fatalf("503 without Retry-After or leaking the address: %+v %v", env.Error, r.Header)
		}
	})

	valid := map[string]any{"name": "X", "characteristic_ids": []string{speed.String()}}
	errs := []struct {
		name   string
		role   string
		body   any
		status int
		code   string
		fields []string
	}{
		{"a request without a token is refused", "", valid, 401, "UNAUTHORIZED", nil},
		{"a user may not create", "USER", valid, 403, "FORBIDDEN", nil},
		{"a service may not create", "SERVICE", valid, 403, "FORBIDDEN", nil},
		{"missing fields are named", "ADMIN", map[string]any{}, 422, "VALIDATION_ERROR", []string{"name", "characteristic_ids"}},
		{"an empty characteristic list is named", "ADMIN", map[string]any{"name": "X", "characteristic_ids": []string{}}, 422, "VALIDATION_ERROR", []string{"characteristic_ids"}},
		{"a malformed id is named by position", "ADMIN", map[string]any{"name": "X", "characteristic_ids": []string{speed.String(), "nope"}}, 422, "VALIDATION_ERROR", []string{"characteristic_ids[1]"}},
		{"a blank name is named", "ADMIN", map[string]any{"name": " ", "characteristic_ids": []string{speed.String()}}, 422, "VALIDATION_ERROR", []string{"name"}},
		{"an unknown field is refused", "ADMIN", map[string]any{"name": "X", "characteristic_ids": []string{speed.String()}, "x": 1}, 422, "VALIDATION_ERROR", []string{"x"}},
		{"a duplicate name is a conflict", "ADMIN", map[string]any{"name": "Fiber", "characteristic_ids": []string{storage.String()}}, 409, "CONFLICT", nil},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count(t, `SELECT count(*) FROM specifications`)
			expectError(t, f.do(t, tc.role, http.MethodPost, "/api/v1/specifications", tc.body), tc.status, tc.code, tc.fields...)
			if after := f.count(t, `SELECT count(*) FROM specifications`); after != before {
				t.Fatalf("a refused request changed the table: %d → %d", before, after)
			}
		})
	}
}

func TestReadSpecifications(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	speed := f.characteristic("Speed", "100", "Mbps")
	reliability := f.characteristic("Reliability", "99.9", "%")
	basic := f.create(t, "Basic", reliability, speed)
	f.create(t, "Premium", speed)
	f.create(t, "Enterprise", speed)

	t.Run("one specification comes with its characteristics expanded in order", func(t *testing.T) {
		for _, role := range []string{"ADMIN", "USER", "SERVICE"} {
			r := f.do(t, role, http.MethodGet, "/api/v1/specifications/"+basic.ID, nil)
			if r.Status != 200 || r.Header.Get("ETag") != `"1"` {
				t.Fatalf("%s: status %d", role, r.Status)
			}
			s := decode[specification](t, r)
			if len(s.Characteristics) != 2 || s.Characteristics[0].ID != reliability.String() || s.Characteristics[0].Name != "Reliability" ||
				s.Characteristics[0].Value != "99.9" || s.Characteristics[0].UnitOfMeasure != "%" || s.Characteristics[1].Name != "Speed" {
				t.Fatalf("%s: expanded %+v", role, s.Characteristics)
			}
		}
	})

	pages := []struct {
		name, query string
		want        []string
	}{
		{"the default page lists everything in creation order", "", []string{"Basic", "Premium", "Enterprise"}},
		{"skip and limit select a window", "?skip=1&limit=2", []string{"Premium", "Enterprise"}},
		{"a skip past the end is empty", "?skip=3", []string{}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			r := f.do(t, "USER", http.MethodGet, "/api/v1/specifications"+p.query, nil)
			names := []string{}
			for _, s := range decode[[]specification](t, r) {
				names = append(names, s.Name)
			}
			if r.Status != 200 || strings.Join(names, ",") != strings.Join(p.want, ",") {
				t.Fatalf("status %d names %v, want %v", r.Status, names, p.want)
			}
		})
	}

	errs := []struct {
		name, role, path string
		status           int
		code             string
		fields           []string
	}{
		{"listing without a token is refused", "", "/api/v1/specifications", 401, "UNAUTHORIZED", nil},
		{"reading one without a token is refused", "", "/api/v1/specifications/" + basic.ID, 401, "UNAUTHORIZED", nil},
		{"an unknown id is not found", "USER", "/api/v1/specifications/" + uuid.NewString(), 404, "NOT_FOUND", nil},
		{"a malformed id is named", "USER", "/api/v1/specifications/xyz", 422, "VALIDATION_ERROR", []string{"spec_id"}},
		{"a limit over 1000 is named", "USER", "/api/v1/specifications?limit=5000", 422, "VALIDATION_ERROR", []string{"limit"}},
		{"a non-numeric skip is named", "USER", "/api/v1/specifications?skip=a", 422, "VALIDATION_ERROR", []string{"skip"}},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			expectError(t, f.do(t, tc.role, http.MethodGet, tc.path, nil), tc.status, tc.code, tc.fields...)
		})
	}
}

func TestReplaceSpecification(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	speed := f.characteristic("Speed", "100", "Mbps")
	storage := f.characteristic("Storage", "500", "GB")
	basic := f.create(t, "Basic", speed)
	f.create(t, "Premium", speed)

	t.Run("a full replacement bumps the version and emits Updated", func(t *testing.T) {
		r := f.do(t, "ADMIN", http.MethodPut, "/api/v1/specifications/"+basic.ID,
			map[string]any{"name": "Basic 2", "characteristic_ids": []string{storage.String()}}, "If-Match", `"1"`)
		if r.Status != 200 {
			t.Fatalf("status %d body %s", r.Status, r.Body)
		}
		s := decode[specification](t, r)
		if s.Name != "Basic 2" || s.Version != 2 || len(s.CharacteristicIDs) != 1 || s.CharacteristicIDs[0] != storage.String() || s.CreatedAt != basic.CreatedAt {
			t.Fatalf("replaced %+v", s)
		}
		events := f.outboxEvents(t, basic.ID)
		if len(events) != 2 || events[1].EventType != "SpecificationUpdated" || events[1].EntityVersion != 2 {
			t.Fatalf("outbox = %+v", events)
		}
	})

	valid := map[string]any{"name": "Basic 3", "characteristic_ids": []string{speed.String()}}
	errs := []struct {
		name    string
		role    string
		id      string
		body    any
		headers []string
		status  int
		code    string
		fields  []string
	}{
		{"no token is refused", "", basic.ID, valid, nil, 401, "UNAUTHORIZED", nil},
		{"a user may not replace", "USER", basic.ID, valid, nil, 403, "FORBIDDEN", nil},
		{"an unknown id is not found", "ADMIN", uuid.NewString(), valid, nil, 404, "NOT_FOUND", nil},
		{"taking another specification's name is a conflict", "ADMIN", basic.ID, map[string]any{"name": "Premium", "characteristic_ids": []string{speed.String()}}, nil, 409, "CONFLICT", nil},
		{"a stale If-Match is a failed precondition", "ADMIN", basic.ID, valid, []string{"If-Match", `"1"`}, 412, "PRECONDITION_FAILED", nil},
		{"a missing name is named", "ADMIN", basic.ID, map[string]any{"characteristic_ids": []string{speed.String()}}, nil, 422, "VALIDATION_ERROR", []string{"name"}},
		{"an unknown characteristic is named", "ADMIN", basic.ID, map[string]any{"name": "B", "characteristic_ids": []string{uuid.NewString()}}, nil, 422, "VALIDATION_ERROR", []string{"characteristic_ids[0]"}},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			expectError(t, f.do(t, tc.role, http.MethodPut, "/api/v1/specifications/"+tc.id, tc.body, tc.headers...), tc.status, tc.code, tc.fields...)
			if n := len(f.outboxEvents(t, basic.ID)); n != 2 {
				t.Fatalf("a refused replacement wrote an event: %d events", n)
			}
		})
	}
}

func TestDeleteSpecification(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	speed := f.characteristic("Speed", "100", "Mbps")
	spec := f.create(t, "Basic", speed)
	other := f.create(t, "Other", speed)
	published, draft, publishing := uuid.New(), uuid.New(), uuid.New()
	f.offering(published, 3, domain.StatusPublished, spec.ID)
	f.offering(draft, 1, domain.StatusDraft, spec.ID, other.ID)
	f.offering(publishing, 2, domain.StatusPublishing, other.ID)

	errs := []struct {
		name, role, id string
		headers        []string
		status         int
		code           string
	}{
		{"no token is refused", "", other.ID, nil, 401, "UNAUTHORIZED"},
		{"a user may not delete", "USER", other.ID, nil, 403, "FORBIDDEN"},
		{"an unknown id is not found", "ADMIN", uuid.NewString(), nil, 404, "NOT_FOUND"},
		{"a specification of a published offering is a conflict", "ADMIN", spec.ID, nil, 409, "CONFLICT"},
		{"a stale If-Match is a failed precondition", "ADMIN", other.ID, []string{"If-Match", `"5"`}, 412, "PRECONDITION_FAILED"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			env := expectError(t, f.do(t, tc.role, http.MethodDelete, "/api/v1/specifications/"+tc.id, nil, tc.headers...), tc.status, tc.code)
			if tc.status == 409 && !strings.Contains(env.Error.Message, published.String()) {
				t.Fatalf("conflict message %q does not name the offering", env.Error.Message)
			}
		})
	}

	t.Run("draft and publishing offerings do not block a deletion", func(t *testing.T) {
		r := f.do(t, "ADMIN", http.MethodDelete, "/api/v1/specifications/"+other.ID, nil)
		if r.Status != http.StatusNoContent {
			t.Fatalf("status %d body %s", r.Status, r.Body)
		}
		events := f.outboxEvents(t, other.ID)
		if len(events) != 2 || events[1].EventType != "SpecificationDeleted" || events[1].EntityVersion != 2 {
			t.Fatalf("outbox = %+v", events)
		}
		expectError(t, f.do(t, "USER", http.MethodGet, "/api/v1/specifications/"+other.ID, nil), 404, "NOT_FOUND")
	})

	t.Run("an older event cannot bring the offering back from retirement", func(t *testing.T) {
		f.offering(published, 4, domain.StatusRetired, spec.ID)
		f.offering(published, 3, domain.StatusPublished, spec.ID)
		if r := f.do(t, "ADMIN", http.MethodDelete, "/api/v1/specifications/"+spec.ID, nil); r.Status != http.StatusNoContent {
			t.Fatalf("status %d body %s", r.Status, r.Body)
		}
	})
}

func TestValidateRoute(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	spec := f.create(t, "Basic", f.characteristic("Speed", "1", "Mbps"))
	ghost := uuid.NewString()

	if r := f.do(t, "SERVICE", http.MethodPost, "/api/v1/specifications/validate", []string{spec.ID}); r.Status != 204 {
		t.Fatalf("existing ids: status %d body %s", r.Status, r.Body)
	}
	cases := []struct {
		name   string
		role   string
		body   any
		status int
		code   string
		fields []string
	}{
		{"missing ids are named by position", "ADMIN", []string{spec.ID, ghost, "junk"}, 422, "VALIDATION_ERROR", []string{"body[1]", "body[2]"}},
		{"a non-array body is named", "SERVICE", map[string]any{"ids": 1}, 422, "VALIDATION_ERROR", []string{"body"}},
		{"a user may not call it", "USER", []string{spec.ID}, 403, "FORBIDDEN", nil},
		{"no token is refused", "", []string{spec.ID}, 401, "UNAUTHORIZED", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectError(t, f.do(t, tc.role, http.MethodPost, "/api/v1/specifications/validate", tc.body), tc.status, tc.code, tc.fields...)
		})
	}
}

func TestDocumentsAreServed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	r := f.do(t, "", http.MethodGet, "/openapi.json", nil)
	doc := decode[map[string]any](t, r)
	if r.Status != 200 || doc["openapi"] != "3.1.0" || doc["paths"].(map[string]any)["/api/v1/specifications/validate"] == nil {
		t.Fatalf("openapi.json: status %d", r.Status)
	}
	r = f.do(t, "", http.MethodGet, "/docs", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "openapi.json") || strings.Contains(string(r.Body), "https://") {
		t.Fatalf("docs: status %d, self-contained page expected", r.Status)
	}
}
