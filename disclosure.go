package huifang

import "time"

// Disclosure is a regulator's quarterly public disclosure (信息披露, DOMAIN.md
// §8): every company's rates for a quarter, frozen when it was published.
// A regulator publishes a quarter once; a correction is an Erratum.
type Disclosure struct {
	ID            int64
	RegulatorID   int64
	RegulatorCode string // filled in on reads
	RegulatorName string // filled in on reads
	Period        string // "2026-Q1"
	// Indicators are the IDs of the figures published (package indicator),
	// in the order the page shows them; the rule profile names them.
	Indicators  []string
	PublishedAt time.Time
	PublishedBy string
	// Rows and Errata are filled in by a read of one disclosure.
	Rows   []DisclosureRow
	Errata []Erratum
	// Changed is the latest of the publication and its errata: what a
	// public page's Last-Modified and ETag are made of.
	Changed time.Time
}

// Sources of a disclosure row's figures.
const (
	// FromSubmission: the company's accepted statistics table of the quarter.
	FromSubmission = "submission"
	// FromLive: the live table on the day of publication; the company had
	// no accepted table (shown as 未经报表确认, not confirmed by submission).
	FromLive = "live"
)

// DisclosureFigure is one published figure: a rate with its numerator and
// denominator, as the indicator with ID Indicator defines it.
type DisclosureFigure struct {
	Indicator string `json:"indicator"`
	Num       int64  `json:"num"`
	Den       int64  `json:"den"`
}

// DisclosureRow is one company's line of a disclosure, frozen at
// publication: the figures are values, never recomputed.
type DisclosureRow struct {
	ID           int64
	DisclosureID int64
	Period       string // filled in by history reads
	OrgID        int64
	OrgCode      string // as at publication
	OrgName      string // as at publication
	Source       string // FromSubmission or FromLive
	// SubmissionID and SubmissionVersion name the accepted table the figures
	// come from (FromSubmission only).
	SubmissionID      int64
	SubmissionVersion int
	Figures           []DisclosureFigure
	// DoubleHundred: the callback success rate and the problem-case
	// resolution rate were both 100% (the "double 100%" standard, 双百).
	DoubleHundred bool
	// Corrected: errata were published for the row (filled in on reads).
	Corrected bool
}

// Figure returns the row's figure of an indicator.
func (r DisclosureRow) Figure(indicator string) (DisclosureFigure, bool) {
	for _, f := range r.Figures {
		if f.Indicator == indicator {
			return f, true
		}
	}
	return DisclosureFigure{}, false
}

// Erratum is a correction of a published disclosure (勘误): a note on a
// company's row, or on one of its figures with the corrected figure. The
// original stays as published; errata are only ever added.
type Erratum struct {
	ID           int64
	DisclosureID int64
	RowID        int64
	OrgCode      string // the row's company, filled in on reads
	// Indicator is the figure corrected; "" for a note on the whole row.
	Indicator string
	// Corrected is set when the erratum gives a corrected figure.
	Corrected bool
	Num, Den  int64
	Note      string
	At        time.Time
	By        string
}

// DisclosureFilter selects published disclosures. Disclosures are public:
// RegulatorID 0 lists every regulator's.
type DisclosureFilter struct {
	RegulatorID int64
	Period      string
}
