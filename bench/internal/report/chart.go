package report

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// ChartKind selects the chart's shape.
type ChartKind int

// Chart kinds.
const (
	Bars  ChartKind = iota // grouped bars: one group per label, one bar per series
	Lines                  // one line per series over numeric X values
)

// Series is one named set of values; for Lines, X holds the x coordinates.
type Series struct {
	Name   string
	X      []float64
	Values []float64
}

// Chart is a PNG the report links.
type Chart struct {
	File   string // file name under docs/benchmarks/
	Title  string
	XLabel string
	YLabel string
	Kind   ChartKind
	Labels []string // Bars: the group names
	Series []Series
	// Threshold draws a horizontal goal line when > 0.
	Threshold      float64
	ThresholdLabel string
}

var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
}

// Plot builds the gonum plot of the chart.
func (c Chart) Plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = c.Title
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	p.Legend.Top = true
	switch c.Kind {
	case Bars:
		if len(c.Series) == 0 {
			return nil, fmt.Errorf("chart %s has no series", c.File)
		}
		n := len(c.Series)
		w := vg.Points(math32(60 / float64(n)))
		for i, s := range c.Series {
			if len(s.Values) != len(c.Labels) {
				return nil, fmt.Errorf("chart %s: series %s has %d values for %d labels", c.File, s.Name, len(s.Values), len(c.Labels))
			}
			bars, err := plotter.NewBarChart(plotter.Values(s.Values), w)
			if err != nil {
				return nil, err
			}
			bars.Color = palette[i%len(palette)]
			bars.LineStyle.Width = 0
			bars.Offset = vg.Length(float64(i)-float64(n-1)/2) * w
			p.Add(bars)
			if n > 1 {
				p.Legend.Add(s.Name, bars)
			}
		}
		p.NominalX(c.Labels...)
	case Lines:
		for i, s := range c.Series {
			if len(s.X) != len(s.Values) {
				return nil, fmt.Errorf("chart %s: series %s has %d x for %d values", c.File, s.Name, len(s.X), len(s.Values))
			}
			pts := make(plotter.XYs, len(s.X))
			for j := range s.X {
				pts[j] = plotter.XY{X: s.X[j], Y: s.Values[j]}
			}
			l, sc, err := plotter.NewLinePoints(pts)
			if err != nil {
				return nil, err
			}
			l.Color = palette[i%len(palette)]
			sc.Color = l.Color
			sc.Shape = plotutil.Shape(i)
			p.Add(l, sc)
			p.Legend.Add(s.Name, l, sc)
		}
	default:
		return nil, fmt.Errorf("chart %s: unknown kind %d", c.File, c.Kind)
	}
	if c.Threshold > 0 {
		goal := plotter.NewFunction(func(float64) float64 { return c.Threshold })
		goal.Color = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
		goal.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(goal)
		label := c.ThresholdLabel
		if label == "" {
			label = "goal"
		}
		p.Legend.Add(label, goal)
		if p.Y.Max < c.Threshold*1.1 {
			p.Y.Max = c.Threshold * 1.1
		}
	}
	p.Y.Min = 0
	p.Y.Max *= 1.15 // headroom for the legend and the tallest bar
	p.Add(plotter.NewGrid())
	return p, nil
}

// SavePNG renders the chart into a 640×400 PNG file.
func (c Chart) SavePNG(path string) error {
	p, err := c.Plot()
	if err != nil {
		return err
	}
	return p.Save(16*vg.Centimeter, 10*vg.Centimeter, path)
}

func math32(v float64) float64 { return min(max(v, 8), 40) }
