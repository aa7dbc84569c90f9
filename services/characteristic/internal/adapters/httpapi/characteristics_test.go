package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
)

func TestCreateCharacteristic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)

	t.Run("an admin creates a characteristic and its Created event in the outbox", func(t *testing.T) {
		r := f.do(t, "ADMIN", http.MethodPost, "/api/v1/characteristics",
			map[string]string{"name": " Internet Speed ", "value": "100", "unit_of_measure": "Mbps"})
		if r.Status != http.StatusCreated {
			t.Fatalf("status = %d body %s", r.Status, r.Body)
		}
		c := decode[characteristic](t, r)
		if _, err := uuid.Parse(c.ID); err != nil || c.Name != "Internet Speed" || c.Value != "100" ||
			c.UnitOfMeasure != "Mbps" || c.Version != 1 || c.CreatedAt == "" || c.UpdatedAt == "" {
			t.Fatalf("created %+v", c)
		}
		if r.Header.Get("Location") != "/api/v1/characteristics/"+c.ID || r.Header.Get("ETag") != `"1"` {
			t.Fatalf("headers %v", r.Header)
		}
		events := f.outboxEvents(c.ID)
		if len(events) != 1 {
			t.Fatalf("outbox = %+v, want one event", events)
		}
		e := events[0]
		if e.Topic != "resource.characteristics.events" || e.EventType != "CharacteristicCreated" || e.EntityVersion != 1 ||
			e.Payload["name"] != "Internet Speed" || e.Payload["unit_of_measure"] != "Mbps" || e.Payload["id"] != c.ID {
			t.Fatalf("outbox event = %+v", e)
		}
	})

	t.Run("every unit of the contract is accepted", func(t *testing.T) {
		for i, unit := range []string{"Mbps", "Gbps", "MB", "GB", "TB", "GHz", "Volt", "Watt", "Meter", "None", "%",
			"Seconds", "Minutes", "Hours", "Days", "Months", "Years", "Unit"} {
			c := f.create("unit "+unit, "1"+strings.Repeat("0", i), unit)
			if c.UnitOfMeasure != unit {
				t.Fatalf("unit %s came back as %s", unit, c.UnitOfMeasure)
			}
		}
	})

	errorCases := []struct {
		name   string
		role   string
		body   any
		status int
		code   string
		fields []string
	}{
		{"a request without a token is refused", "", map[string]string{"name": "x", "value": "1", "unit_of_measure": "GB"}, 401, "UNAUTHORIZED", nil},
		{"a user may not create", "USER", map[string]string{"name": "x", "value": "1", "unit_of_measure": "GB"}, 403, "FORBIDDEN", nil},
		{"a service may not create", "SERVICE", map[string]string{"name": "x", "value": "1", "unit_of_measure": "GB"}, 403, "FORBIDDEN", nil},
		{"missing fields are named", "ADMIN", map[string]string{}, 422, "VALIDATION_ERROR", []string{"name", "value", "unit_of_measure"}},
		{"an unknown unit is named", "ADMIN", map[string]string{"name": "x", "value": "1", "unit_of_measure": "MBPS"}, 422, "VALIDATION_ERROR", []string{"unit_of_measure"}},
		{"a text value in a measurable unit is named", "ADMIN", map[string]string{"name": "x", "value": "fast", "unit_of_measure": "Gbps"}, 422, "VALIDATION_ERROR", []string{"value"}},
		{"a name over 200 characters is named", "ADMIN", map[string]string{"name": strings.Repeat("a", 201), "value": "1", "unit_of_measure": "GB"}, 422, "VALIDATION_ERROR", []string{"name"}},
		{"an unknown field is refused", "ADMIN", map[string]any{"name": "x", "value": "1", "unit_of_measure": "GB", "colour": "red"}, 422, "VALIDATION_ERROR", []string{"colour"}},
		{"a wrongly typed field is named", "ADMIN", map[string]any{"name": 5, "value": "1", "unit_of_measure": "GB"}, 422, "VALIDATION_ERROR", []string{"name"}},
		{"malformed JSON is refused", "ADMIN", `{"name":`, 422, "VALIDATION_ERROR", []string{"body"}},
		{"a duplicate name is a conflict", "ADMIN", map[string]string{"name": "Internet Speed", "value": "5", "unit_of_measure": "Gbps"}, 409, "CONFLICT", nil},
	}
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count(`SELECT count(*) FROM characteristics`)
			expectError(t, f.do(t, tc.role, http.MethodPost, "/api/v1/characteristics", tc.body), tc.status, tc.code, tc.fields...)
			if after := f.count(`SELECT count(*) FROM characteristics`); after != before {
				t.Fatalf("a refused request changed the table: %d → %d rows", before, after)
			}
		})
	}

	t.Run("a body over 1 MiB is refused with 413", func(t *testing.T) {
		big := `{"name":"` + strings.Repeat("a", 2<<20) + `","value":"1","unit_of_measure":"GB"}`
		expectError(t, f.do(t, "ADMIN", http.MethodPost, "/api/v1/characteristics", big), 413, "PAYLOAD_TOO_LARGE")
	})

	t.Run("an invalid token is refused", func(t *testing.T) {
		r := f.do(t, "", http.MethodPost, "/api/v1/characteristics", map[string]string{"name": "x"}, "Authorization", "Bearer not.a.jwt")
		expectError(t, r, 401, "UNAUTHORIZED")
	})
}

func TestListAndGetCharacteristics(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	var made []characteristic
	for _, name := range []string{"A", "B", "C"} {
		made = append(made, f.create(name, "1", "GB"))
	}

	pages := []struct {
		name  string
		query string
		want  []string
	}{
		{"the default page holds everything in creation order", "", []string{"A", "B", "C"}},
		{"skip and limit select a window", "?skip=1&limit=1", []string{"B"}},
		{"a skip past the end gives an empty list", "?skip=10", []string{}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			for _, role := range []string{"ADMIN", "USER", "SERVICE"} {
				r := f.do(t, role, http.MethodGet, "/api/v1/characteristics"+p.query, nil)
				if r.Status != http.StatusOK {
					t.Fatalf("%s: status %d body %s", role, r.Status, r.Body)
				}
				got := decode[[]characteristic](t, r)
				names := []string{}
				for _, c := range got {
					names = append(names, c.Name)
				}
				if strings.Join(names, ",") != strings.Join(p.want, ",") {
					t.Fatalf("%s: names = %v, want %v", role, names, p.want)
				}
			}
		})
	}

	t.Run("a user reads one characteristic with its version as ETag", func(t *testing.T) {
		r := f.do(t, "USER", http.MethodGet, "/api/v1/characteristics/"+made[1].ID, nil)
		if r.Status != http.StatusOK || r.Header.Get("ETag") != `"1"` {
			t.Fatalf("status %d headers %v", r.Status, r.Header)
		}
		if got := decode[characteristic](t, r); got != made[1] {
			t.Fatalf("got %+v, want %+v", got, made[1])
		}
	})

	errs := []struct {
		name, role, path string
		status           int
		code             string
		fields           []string
	}{
		{"listing without a token is refused", "", "/api/v1/characteristics", 401, "UNAUTHORIZED", nil},
		{"reading one without a token is refused", "", "/api/v1/characteristics/" + made[0].ID, 401, "UNAUTHORIZED", nil},
		{"a limit of zero is named", "USER", "/api/v1/characteristics?limit=0", 422, "VALIDATION_ERROR", []string{"limit"}},
		{"a limit over 1000 is named", "USER", "/api/v1/characteristics?limit=1001", 422, "VALIDATION_ERROR", []string{"limit"}},
		{"a negative skip is named", "USER", "/api/v1/characteristics?skip=-1", 422, "VALIDATION_ERROR", []string{"skip"}},
		{"an unknown id is not found", "USER", "/api/v1/characteristics/" + uuid.NewString(), 404, "NOT_FOUND", nil},
		{"a malformed id is named", "USER", "/api/v1/characteristics/not-a-uuid", 422, "VALIDATION_ERROR", []string{"char_id"}},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			expectError(t, f.do(t, tc.role, http.MethodGet, tc.path, nil), tc.status, tc.code, tc.fields...)
		})
	}
}

func TestUpdateCharacteristic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	speed := f.create("Speed", "100", "Mbps")
	f.create("Storage", "500", "GB")

	t.Run("a partial update keeps absent fields, bumps the version and emits Updated", func(t *testing.T) {
		r := f.do(t, "ADMIN", http.MethodPut, "/api/v1/characteristics/"+speed.ID, map[string]any{"value": "200", "name": nil})
		if r.Status != http.StatusOK {
			t.Fatalf("status %d body %s", r.Status, r.Body)
		}
		got := decode[characteristic](t, r)
		if got.Name != "Speed" || got.Value != "200" || got.UnitOfMeasure != "Mbps" || got.Version != 2 ||
			got.CreatedAt != speed.CreatedAt || r.Header.Get("ETag") != `"2"` {
			t.Fatalf("updated %+v headers %v", got, r.Header)
		}
		events := f.outboxEvents(speed.ID)
		if len(events) != 2 || events[1].EventType != "CharacteristicUpdated" || events[1].EntityVersion != 2 || events[1].Payload["value"] != "200" {
			t.Fatalf("outbox = %+v", events)
		}
	})

	t.Run("If-Match with the current version is accepted", func(t *testing.T) {
		r := f.do(t, "ADMIN", http.MethodPut, "/api/v1/characteristics/"+speed.ID, map[string]any{"value": "300"}, "If-Match", `"2"`)
		if r.Status != http.StatusOK || decode[characteristic](t, r).Version != 3 {
			t.Fatalf("status %d body %s", r.Status, r.Body)
		}
	})

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
		{"no token is refused", "", speed.ID, map[string]any{"value": "1"}, nil, 401, "UNAUTHORIZED", nil},
		{"a user may not update", "USER", speed.ID, map[string]any{"value": "1"}, nil, 403, "FORBIDDEN", nil},
		{"an unknown id is not found", "ADMIN", uuid.NewString(), map[string]any{"value": "1"}, nil, 404, "NOT_FOUND", nil},
		{"taking another characteristic's name is a conflict", "ADMIN", speed.ID, map[string]any{"name": "Storage"}, nil, 409, "CONFLICT", nil},
		{"a stale If-Match is a failed precondition", "ADMIN", speed.ID, map[string]any{"value": "1"}, []string{"If-Match", `"1"`}, 412, "PRECONDITION_FAILED", nil},
		{"a malformed If-Match is named", "ADMIN", speed.ID, map[string]any{"value": "1"}, []string{"If-Match", "abc"}, 422, "VALIDATION_ERROR", []string{"If-Match"}},
		{"an empty name is named", "ADMIN", speed.ID, map[string]any{"name": ""}, nil, 422, "VALIDATION_ERROR", []string{"name"}},
		{"switching to a unit the value does not fit is named", "ADMIN", speed.ID, map[string]any{"value": "fast"}, nil, 422, "VALIDATION_ERROR", []string{"value"}},
		{"a malformed id is named", "ADMIN", "nope", map[string]any{"value": "1"}, nil, 422, "VALIDATION_ERROR", []string{"char_id"}},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			expectError(t, f.do(t, tc.role, http.MethodPut, "/api/v1/characteristics/"+tc.id, tc.body, tc.headers...), tc.status, tc.code, tc.fields...)
			if n := len(f.outboxEvents(speed.ID)); n != 3 {
				t.Fatalf("a refused update wrote an event: %d events", n)
			}
		})
	}
}

func TestDeleteCharacteristic(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	used := f.create("Used", "1", "GB")
	free := f.create("Free", "2", "GB")
	spec := uuid.New()
	f.reference(spec, 1, false, used.ID)

	errs := []struct {
		name, role, id string
		headers        []string
		status         int
		code           string
	}{
		{"no token is refused", "", free.ID, nil, 401, "UNAUTHORIZED"},
		{"a user may not delete", "USER", free.ID, nil, 403, "FORBIDDEN"},
		{"an unknown id is not found", "ADMIN", uuid.NewString(), nil, 404, "NOT_FOUND"},
		{"a referenced characteristic is a conflict", "ADMIN", used.ID, nil, 409, "CONFLICT"},
		{"a stale If-Match is a failed precondition", "ADMIN", free.ID, []string{"If-Match", `"7"`}, 412, "PRECONDITION_FAILED"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			env := expectError(t, f.do(t, tc.role, http.MethodDelete, "/api/v1/characteristics/"+tc.id, nil, tc.headers...), tc.status, tc.code)
			if tc.status == 409 && !strings.Contains(env.Error.Message, spec.String()) {
				t.Fatalf("conflict message %q does not name the specification", env.Error.Message)
			}
		})
	}

	t.Run("an unreferenced characteristic is deleted with a Deleted event", func(t *testing.T) {
		r := f.do(t, "ADMIN", http.MethodDelete, "/api/v1/characteristics/"+free.ID, nil, "If-Match", `"1"`)
		if r.Status != http.StatusNoContent || len(r.Body) != 0 {
			t.Fatalf("status %d body %s", r.Status, r.Body)
		}
		expectError(t, f.do(t, "ADMIN", http.MethodGet, "/api/v1/characteristics/"+free.ID, nil), 404, "NOT_FOUND")
		events := f.outboxEvents(free.ID)
		if len(events) != 2 || events[1].EventType != "CharacteristicDeleted" || events[1].EntityVersion != 2 {
			t.Fatalf("outbox = %+v", events)
		}
	})

	t.Run("once the specification stops referencing it the characteristic can be deleted", func(t *testing.T) {
		f.reference(spec, 2, false, free.ID)
		if r := f.do(t, "ADMIN", http.MethodDelete, "/api/v1/characteristics/"+used.ID, nil); r.Status != http.StatusNoContent {
			t.Fatalf("status %d body %s", r.Status, r.Body)
		}
	})
}

func TestDocumentsAreServed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	r := f.do(t, "", http.MethodGet, "/openapi.json", nil)
	doc := decode[map[string]any](t, r)
	if r.Status != 200 || doc["openapi"] != "3.1.0" || doc["paths"].(map[string]any)["/api/v1/characteristics/{char_id}"] == nil {
		t.Fatalf("openapi.json: status %d", r.Status)
	}
	r = f.do(t, "", http.MethodGet, "/docs", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), "openapi.json") || strings.Contains(string(r.Body), "https://") {
		t.Fatalf("docs: status %d, self-contained page expected", r.Status)
	}
}

func TestConcurrentUpdatesWithTheSameIfMatchLetExactlyOneWin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	speed := f.create("Speed", "100", "Mbps")
	const writers = 8
	statuses := make(chan int, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f.do(t, "ADMIN", http.MethodPut, "/api/v1/characteristics/"+speed.ID,
				map[string]any{"value": strconv.Itoa(200 + i)}, "If-Match", `"1"`)
			statuses <- r.Status
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	if counts[http.StatusOK] != 1 || counts[http.StatusPreconditionFailed] != writers-1 {
		t.Fatalf("statuses = %v, want one 200 and %d × 412", counts, writers-1)
	}
	if events := f.outboxEvents(speed.ID); len(events) != 2 || events[1].EntityVersion != 2 {
		t.Fatalf("outbox = %+v, want Created v1 and one Updated v2", events)
	}
}
