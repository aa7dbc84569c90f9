package httpapi

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
	"github.com/tmfcatalog/platform/services/store-query/internal/domain"
)

// Limits of the query parameters.
const (
	maxLimit          = 1000
	maxSkip           = 100_000
	maxTextLength     = 200
	maxChannelLength  = 100
	maxCharFilters    = 20
	maxCharFilterSize = 300
)

// Paging defaults per route.
type defaults struct{ limit int }

var (
	searchDefaults = defaults{limit: 10}
	listDefaults   = defaults{limit: 100}
)

// parseQuery turns the query string of the search and list routes into a domain query. Every
// problem is reported at once as a validation error naming the parameter.
func parseQuery(v url.Values, d defaults) (domain.Query, error) {
	verr := &apierror.ValidationError{}
	q := domain.Query{Limit: d.limit}

	text := v.Get("q")
	if text == "" {
		text = v.Get("query") // the name the original list route used
	}
	q.Text = strings.TrimSpace(text)
	if len(q.Text) > maxTextLength {
		verr.Add("q", fmt.Sprintf("must be at most %d characters", maxTextLength))
	}
	q.MinPrice = parsePrice(v, "min_price", verr)
	q.MaxPrice = parsePrice(v, "max_price", verr)
	if q.MinPrice != nil && q.MaxPrice != nil && *q.MinPrice > *q.MaxPrice {
		verr.Add("min_price", "must not be greater than max_price")
	}
	q.Channel = strings.TrimSpace(v.Get("channel"))
	if len(q.Channel) > maxChannelLength {
		verr.Add("channel", fmt.Sprintf("must be at most %d characters", maxChannelLength))
	}
	chars := v["characteristic"]
	if len(chars) > maxCharFilters {
		verr.Add("characteristic", fmt.Sprintf("at most %d characteristic filters", maxCharFilters))
	} else {
		for _, raw := range chars {
			if len(raw) > maxCharFilterSize {
				verr.Add("characteristic", fmt.Sprintf("filter longer than %d characters", maxCharFilterSize))
				continue
			}
			c, err := domain.ParseCharacteristicFilter(raw)
			if err != nil {
				verr.Add("characteristic", err.Error())
				continue
			}
			q.Characteristics = append(q.Characteristics, c)
		}
	}
	q.Skip = parseInt(v, "skip", 0, 0, maxSkip, verr)
	q.Limit = parseInt(v, "limit", d.limit, 1, maxLimit, verr)
	sort, err := domain.ParseSort(v.Get("sort"))
	if err != nil {
		verr.Add("sort", err.Error())
	}
	q.Sort = sort
	if err := verr.OrNil(); err != nil {
		return domain.Query{}, err
	}
	return q, nil
}

func parsePrice(v url.Values, name string, verr *apierror.ValidationError) *float64 {
	raw, ok := v[name]
	if !ok || len(raw) == 0 || strings.TrimSpace(raw[0]) == "" {
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(raw[0]), 64)
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		verr.Add(name, "must be a number")
		return nil
	case f < 0:
		verr.Add(name, "must not be negative")
		return nil
	}
	return &f
}

func parseInt(v url.Values, name string, def, lo, hi int, verr *apierror.ValidationError) int {
	raw := strings.TrimSpace(v.Get(name))
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		verr.Add(name, "must be an integer")
		return def
	}
	if n < lo || n > hi {
		verr.Add(name, fmt.Sprintf("must be between %d and %d", lo, hi))
		return def
	}
	return n
}
