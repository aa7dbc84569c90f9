package domain

import (
	"fmt"
	"strings"
)

// Unit is a unit of measure from the closed list of the catalog.
type Unit string

// The units of measure a characteristic may use (the API's UnitOfMeasure enum).
const (
	UnitMbps    Unit = "Mbps"
	UnitGbps    Unit = "Gbps"
	UnitMB      Unit = "MB"
	UnitGB      Unit = "GB"
	UnitTB      Unit = "TB"
	UnitGHz     Unit = "GHz"
	UnitVolt    Unit = "Volt"
	UnitWatt    Unit = "Watt"
	UnitMeter   Unit = "Meter"
	UnitNone    Unit = "None"
	UnitPercent Unit = "%"
	UnitSeconds Unit = "Seconds"
	UnitMinutes Unit = "Minutes"
	UnitHours   Unit = "Hours"
	UnitDays    Unit = "Days"
	UnitMonths  Unit = "Months"
	UnitYears   Unit = "Years"
	UnitUnit    Unit = "Unit"
)

// Units lists every valid unit in the API's order.
var Units = []Unit{
	UnitMbps, UnitGbps, UnitMB, UnitGB, UnitTB, UnitGHz, UnitVolt, UnitWatt, UnitMeter, UnitNone,
	UnitPercent, UnitSeconds, UnitMinutes, UnitHours, UnitDays, UnitMonths, UnitYears, UnitUnit,
}

// ParseUnit returns the unit spelled exactly s.
func ParseUnit(s string) (Unit, error) {
	for _, u := range Units {
		if string(u) == s {
			return u, nil
		}
	}
	names := make([]string, len(Units))
	for i, u := range Units {
		names[i] = string(u)
	}
	return "", fmt.Errorf("must be one of %s", strings.Join(names, ", "))
}

// Measurable reports whether values in this unit must be numbers. Only None is free text.
func (u Unit) Measurable() bool { return u != UnitNone }
