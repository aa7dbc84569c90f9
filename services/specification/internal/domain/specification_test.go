package domain_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

var now = time.Date(2026, 1, 18, 10, 0, 0, 0, time.UTC)

func fields(t *testing.T, err error) string {
	t.Helper()
	var verr *domain.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("error = %v, want *ValidationError", err)
	}
	var out []string
	for _, f := range verr.Fields {
		out = append(out, f.Field)
	}
	return strings.Join(out, ",")
}

func TestNew(t *testing.T) {
	t.Parallel()
	a, b := uuid.NewString(), uuid.NewString()
	tests := []struct {
		name       string
		in         domain.Input
		wantIDs    int
		wantFields string
	}{
		{"a name and one characteristic make a specification", domain.Input{Name: "Basic", CharacteristicIDs: []string{a}}, 1, ""},
		{"duplicate characteristics are kept once", domain.Input{Name: "Basic", CharacteristicIDs: []string{a, b, a}}, 2, ""},
		{"a specification needs at least one characteristic", domain.Input{Name: "Basic"}, 0, "characteristic_ids"},
		{"a blank name is rejected", domain.Input{Name: "  ", CharacteristicIDs: []string{a}}, 0, "name"},
		{"a name over 200 characters is rejected", domain.Input{Name: strings.Repeat("x", 201), CharacteristicIDs: []string{a}}, 0, "name"},
		{"a malformed id is named by position", domain.Input{Name: "B", CharacteristicIDs: []string{a, "x"}}, 0, "characteristic_ids[1]"},
		{"a UUID without dashes is rejected", domain.Input{Name: "B", CharacteristicIDs: []string{strings.ReplaceAll(a, "-", "")}}, 0, "characteristic_ids[0]"},
		{"more than 100 characteristics are rejected", domain.Input{Name: "B", CharacteristicIDs: manyIDs(101)}, 0, "characteristic_ids"},
		{"exactly 100 characteristics are accepted", domain.Input{Name: "B", CharacteristicIDs: append([]string{a}, manyIDs(99)...)}, 100, ""},
		{"every problem is reported at once", domain.Input{Name: "", CharacteristicIDs: []string{}}, 0, "name,characteristic_ids"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := domain.New(uuid.New(), tt.in, now)
			if tt.wantFields != "" {
				if got := fields(t, err); got != tt.wantFields {
					t.Fatalf("fields = %s, want %s", got, tt.wantFields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s.CharacteristicIDs) != tt.wantIDs || s.Version != 1 || s.CharacteristicIDs[0].String() != a {
				t.Fatalf("New() = %+v", s)
			}
		})
	}
}

func manyIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = uuid.NewString()
	}
	return out
}

func TestReplace(t *testing.T) {
	t.Parallel()
	a, b := uuid.NewString(), uuid.NewString()
	s, err := domain.New(uuid.New(), domain.Input{Name: "Basic", CharacteristicIDs: []string{a}}, now)
	if err != nil {
		t.Fatal(err)
	}
	before := s
	if err := s.Replace(domain.Input{Name: "", CharacteristicIDs: nil}, now.Add(time.Hour)); fields(t, err) != "name,characteristic_ids" {
		t.Fatalf("invalid replacement: %v", err)
	}
	if s.Name != before.Name || len(s.CharacteristicIDs) != 1 || !s.UpdatedAt.Equal(now) {
		t.Fatalf("a rejected replacement changed the specification: %+v", s)
	}
	later := now.Add(time.Hour)
	if err := s.Replace(domain.Input{Name: "Basic 2", CharacteristicIDs: []string{b}}, later); err != nil {
		t.Fatal(err)
	}
	if s.Name != "Basic 2" || s.CharacteristicIDs[0].String() != b || !s.UpdatedAt.Equal(later) || !s.CreatedAt.Equal(now) || s.Version != 1 {
		t.Fatalf("Replace() gave %+v", s)
	}
}

func TestRequireCharacteristics(t *testing.T) {
	t.Parallel()
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	if err := domain.RequireCharacteristics([]uuid.UUID{a, b}, map[uuid.UUID]bool{a: true, b: true}); err != nil {
		t.Fatalf("all known: %v", err)
	}
	err := domain.RequireCharacteristics([]uuid.UUID{a, b, c}, map[uuid.UUID]bool{b: true})
	var unknown *domain.UnknownCharacteristicsError
	if !errors.As(err, &unknown) || len(unknown.IDs) != 2 || unknown.IDs[0] != a || unknown.IDs[1] != c ||
		unknown.Fields[0].Field != "characteristic_ids[0]" || unknown.Fields[1].Field != "characteristic_ids[2]" ||
		!strings.Contains(unknown.Fields[1].Message, c.String()) {
		t.Fatalf("unknown ids: error = %v", err)
	}
}

func TestCanDelete(t *testing.T) {
	t.Parallel()
	s := domain.Specification{ID: uuid.New()}
	if err := s.CanDelete(nil); err != nil {
		t.Fatalf("no offering: %v", err)
	}
	draft := domain.OfferingRef{OfferingID: uuid.New(), Status: domain.StatusDraft}
	publishing := domain.OfferingRef{OfferingID: uuid.New(), Status: domain.StatusPublishing}
	retired := domain.OfferingRef{OfferingID: uuid.New(), Status: domain.StatusRetired}
	if err := s.CanDelete([]domain.OfferingRef{draft, publishing, retired}); err != nil {
		t.Fatalf("draft, publishing and retired offerings blocked the deletion: %v", err)
	}
	published := domain.OfferingRef{OfferingID: uuid.New(), Status: domain.StatusPublished}
	var ref *domain.ReferencedError
	err := s.CanDelete([]domain.OfferingRef{draft, published})
	if !errors.As(err, &ref) || len(ref.Offerings) != 1 || !strings.Contains(err.Error(), published.OfferingID.String()) {
		t.Fatalf("published offering: error = %v", err)
	}
}

func TestCheckVersion(t *testing.T) {
	t.Parallel()
	s := domain.Specification{Version: 2}
	two, one := int64(2), int64(1)
	if s.CheckVersion(nil) != nil || s.CheckVersion(&two) != nil {
		t.Fatal("matching or absent expectation refused")
	}
	var mismatch *domain.VersionMismatchError
	if err := s.CheckVersion(&one); !errors.As(err, &mismatch) || mismatch.Actual != 2 {
		t.Fatalf("stale expectation: %v", err)
	}
}

func TestOnlyPublishedOfferingsBlockDeletion(t *testing.T) {
	t.Parallel()
	want := map[string]bool{"DRAFT": false, "PUBLISHING": false, "PUBLISHED": true, "RETIRED": false}
	for s, blocks := range want {
		st, err := domain.ParseLifecycleStatus(s)
		if err != nil || st.BlocksDeletion() != blocks {
			t.Errorf("%s: status %q err %v blocks=%v, want %v", s, st, err, st.BlocksDeletion(), blocks)
		}
	}
	if _, err := domain.ParseLifecycleStatus("ARCHIVED"); err == nil {
		t.Error("an unknown status was accepted")
	}
}

func TestMissingSpecificationsMessage(t *testing.T) {
	t.Parallel()
	if got := (&domain.MissingSpecificationsError{IDs: []string{"s1"}}).Error(); got != "specification s1 not found" {
		t.Fatalf("message = %q", got)
	}
}
