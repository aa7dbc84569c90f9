package httpapi

import (
	"errors"
	"math"
	"net/url"
	"testing"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

func TestParseQueryReadsEveryParameter(t *testing.T) {
	v, _ := url.ParseQuery("q=+fiber+&min_price=10.5&max_price=99&channel=online&characteristic=Speed:100&characteristic=Colour:%20Red&skip=20&limit=5&sort=name_asc")
	q, err := parseQuery(v, searchDefaults)
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "fiber" || *q.MinPrice != 10.5 || *q.MaxPrice != 99 || q.Channel != "online" || q.Skip != 20 || q.Limit != 5 || q.Sort != domain.SortName {
		t.Fatalf("query = %+v", q)
	}
	want := []domain.CharacteristicFilter{{Name: "Speed", Value: "100"}, {Name: "Colour", Value: "Red"}}
	if len(q.Characteristics) != 2 || q.Characteristics[0] != want[0] || q.Characteristics[1] != want[1] {
		t.Fatalf("characteristics = %+v", q.Characteristics)
	}
}

func TestParseQueryDefaults(t *testing.T) {
	tests := []struct {
		name  string
		d     defaults
		limit int
	}{
		{"search pages by ten", searchDefaults, 10},
		{"the list pages by a hundred", listDefaults, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := parseQuery(url.Values{}, tt.d)
			if err != nil || q.Limit != tt.limit || q.Skip != 0 || q.Sort != domain.SortRelevance || q.MinPrice != nil {
				t.Fatalf("query = %+v, %v", q, err)
			}
		})
	}
}

func TestParseQueryReportsEveryBadParameterAtOnce(t *testing.T) {
	v, _ := url.ParseQuery("limit=-1&min_price=abc&characteristic=nope&sort=x")
	_, err := parseQuery(v, searchDefaults)
	var verr *apierror.ValidationError
	if !errors.As(err, &verr) || len(verr.Fields) != 4 {
		t.Fatalf("error = %v", err)
	}
}

// FuzzParseQuery checks that no query string makes the parser panic and that every accepted
// query respects the documented bounds.
func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{
		"", "q=fiber", "limit=-1", "min_price=1e309", "min_price=NaN", "characteristic=a:b&characteristic=:x",
		"skip=99999999999999999999", "sort=price_desc&limit=1000", "query=%ff%fe", "characteristic=a%1fb:c",
		"min_price=5&max_price=4", "q=" + string(make([]byte, 300)),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, d := range []defaults{searchDefaults, listDefaults} {
			q, err := parseQuery(v, d)
			if err != nil {
				var verr *apierror.ValidationError
				if !errors.As(err, &verr) || len(verr.Fields) == 0 {
					t.Fatalf("error %v is not a validation error with fields", err)
				}
				continue
			}
			if q.Limit < 1 || q.Limit > maxLimit || q.Skip < 0 || q.Skip > maxSkip {
				t.Fatalf("paging out of bounds: %+v", q)
			}
			for _, p := range []*float64{q.MinPrice, q.MaxPrice} {
				if p != nil && (*p < 0 || math.IsNaN(*p) || math.IsInf(*p, 0)) {
					t.Fatalf("bad price %v", *p)
				}
			}
			if q.MinPrice != nil && q.MaxPrice != nil && *q.MinPrice > *q.MaxPrice {
				t.Fatalf("min above max: %+v", q)
			}
			for _, c := range q.Characteristics {
				if c.Name == "" || c.Value == "" {
					t.Fatalf("empty characteristic filter part: %+v", c)
				}
			}
			if _, err := domain.ParseSort(string(q.Sort)); err != nil {
				t.Fatalf("accepted sort %q does not parse", q.Sort)
			}
		}
	})
}
