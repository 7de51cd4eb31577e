package web

import (
	"fmt"
	"html/template"

	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/indicator"
)

// Figure is a rate as pages show it: the percentage, and on hover its
// name, formula, numerator and denominator; clicking it opens the policies
// behind it (Href, when there is a list to open).
type Figure struct {
	ID      string
	Name    string
	Formula string
	Num     int64
	Den     int64
	Percent string
	Value   float64
	Href    template.URL
	// Below marks a figure under its target.
	Below bool
}

// Tip is the text shown on hover.
func (f Figure) Tip() string {
	return fmt.Sprintf("%s = %s\n= %d ÷ %d", f.Name, f.Formula, f.Num, f.Den)
}

// figureFunc builds Figures in one language: fig "success_rate" rate href.
func figureFunc(l lang) func(id string, r indicator.Rate, href string) Figure {
	return func(id string, r indicator.Rate, href string) Figure {
		f := Figure{ID: id, Name: id, Num: r.Num, Den: r.Den, Percent: r.Percent(), Value: r.Value(), Href: template.URL(href)}
		for _, d := range indicator.Indicators {
			if d.ID != id {
				continue
			}
			f.Name, f.Formula = i18n.T(l, d.NameKey()), i18n.T(l, d.FormulaKey())
		}
		return f
	}
}

// Mark is the figure marked below its target or not, for templates:
// {{template "figure" ((fig "success_rate" .Rate .Href).Mark .Below)}}.
func (f Figure) Mark(below bool) Figure {
	f.Below = below
	return f
}
