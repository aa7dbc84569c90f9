package feel

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration parses an ISO-8601 duration of days and time (PnDTnHnMnS, PnW); years and
// months are refused because their length depends on the calendar.
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	bad := func(why string) (time.Duration, error) {
		return 0, fmt.Errorf("invalid ISO-8601 duration %q: %s", orig, why)
	}
	s = strings.TrimSpace(strings.ToUpper(s))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return bad("expected P…")
	}
	s = s[1:]
	var total float64
	inTime := false
	seen := false
	for len(s) > 0 {
		if s[0] == 'T' {
			if inTime {
				return bad("second T")
			}
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
			i++
		}
		if i == 0 || i == len(s) {
			return bad("expected a number followed by a unit")
		}
		n, err := strconv.ParseFloat(strings.ReplaceAll(s[:i], ",", "."), 64)
		if err != nil {
			return bad("bad number")
		}
		unit := s[i]
		s = s[i+1:]
		var d float64
		switch {
		case !inTime && unit == 'W':
			d = 7 * 24 * float64(time.Hour)
		case !inTime && unit == 'D':
			d = 24 * float64(time.Hour)
		case inTime && unit == 'H':
			d = float64(time.Hour)
		case inTime && unit == 'M':
			d = float64(time.Minute)
		case inTime && unit == 'S':
			d = float64(time.Second)
		case !inTime && (unit == 'Y' || unit == 'M'):
			return bad("years and months are not supported")
		default:
			return bad("unexpected unit " + string(unit))
		}
		total += n * d
		seen = true
	}
	if !seen {
		return bad("no components")
	}
	if total > float64(100*365*24*time.Hour) {
		return bad("too long")
	}
	if neg {
		total = -total
	}
	return time.Duration(total), nil
}
