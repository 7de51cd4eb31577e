package sheet

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Ratio is a cell shown as a percentage ("96.41%"), or as "—" when it has no
// denominator.
type Ratio interface {
	Defined() bool
	Value() float64
}

// Band is a heading over a run of columns: "回访" over the callback figures.
type Band struct {
	Title string
	Cols  int // how many columns it spans
}

// Report is a formatted one-sheet table: a title and a subtitle over the
// whole width, column bands over the header, then the rows. Consecutive rows
// with the same first cell share one merged cell (the group).
type Report struct {
	Sheet    string
	Title    string
	Subtitle string
	Bands    []Band // may be empty; spans must add up to the header's width
	Header   []string
	Rows     [][]any
}

// WriteReport writes the report as an XLSX workbook.
func WriteReport(w io.Writer, r Report) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), r.Sheet); err != nil {
		return fmt.Errorf("sheet name %q: %w", r.Sheet, err)
	}
	n := len(r.Header)
	if n == 0 {
		return fmt.Errorf("sheet: a report needs columns")
	}
	spans := 0
	for _, b := range r.Bands {
		spans += b.Cols
	}
	if len(r.Bands) > 0 && spans != n {
		return fmt.Errorf("sheet: bands span %d columns, the header has %d", spans, n)
	}
	thin := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	pct := "0.00%"
	styles := map[string]*excelize.Style{
		"title":  {Font: &excelize.Font{Bold: true, Size: 14}, Alignment: center},
		"sub":    {Font: &excelize.Font{Color: "555555"}, Alignment: center},
		"head":   {Font: &excelize.Font{Bold: true}, Alignment: center, Border: thin, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE6F1"}}},
		"text":   {Border: thin, Alignment: &excelize.Alignment{Vertical: "center"}},
		"group":  {Border: thin, Font: &excelize.Font{Bold: true}, Alignment: center},
		"number": {Border: thin, NumFmt: 3}, // #,##0
		"pct":    {Border: thin, CustomNumFmt: &pct},
		"none":   {Border: thin, Alignment: &excelize.Alignment{Horizontal: "center"}},
	}
	id := map[string]int{}
	for k, st := range styles {
		s, err := f.NewStyle(st)
		if err != nil {
			return err
		}
		id[k] = s
	}
	sh := r.Sheet
	cell := func(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
	merge := func(c1, r1, c2, r2 int, v any, style string) error {
		if err := f.SetCellValue(sh, cell(c1, r1), v); err != nil {
			return err
		}
		if c1 != c2 || r1 != r2 {
			if err := f.MergeCell(sh, cell(c1, r1), cell(c2, r2)); err != nil {
				return err
			}
		}
		return f.SetCellStyle(sh, cell(c1, r1), cell(c2, r2), id[style])
	}
	row := 1
	if err := merge(1, row, n, row, r.Title, "title"); err != nil {
		return err
	}
	if err := f.SetRowHeight(sh, row, 28); err != nil {
		return err
	}
	row++
	if r.Subtitle != "" {
		if err := merge(1, row, n, row, r.Subtitle, "sub"); err != nil {
			return err
		}
		row++
	}
	if len(r.Bands) > 0 {
		col := 1
		for _, b := range r.Bands {
			if err := merge(col, row, col+b.Cols-1, row, b.Title, "head"); err != nil {
				return err
			}
			col += b.Cols
		}
		row++
	}
	for i, h := range r.Header {
		if err := merge(i+1, row, i+1, row, h, "head"); err != nil {
			return err
		}
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sh, name, name, min(columnWidth(h), 16)); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(sh, row, 32); err != nil {
		return err
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: row, TopLeftCell: cell(3, row+1), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	row++
	groupStart := row
	for i, vals := range r.Rows {
		for j, v := range vals {
			style, value := "text", v
			switch x := v.(type) {
			case Ratio:
				if x.Defined() {
					style, value = "pct", x.Value()
				} else {
					style, value = "none", "—"
				}
			case int, int64, float64:
				style = "number"
			case fmt.Stringer:
				value = x.String()
			}
			if err := merge(j+1, row, j+1, row, value, style); err != nil {
				return err
			}
		}
		// Close the group when the next row starts another.
		last := i == len(r.Rows)-1
		if last || fmt.Sprint(r.Rows[i+1][0]) != fmt.Sprint(vals[0]) {
			if err := merge(1, groupStart, 1, row, vals[0], "group"); err != nil {
				return err
			}
			groupStart = row + 1
		}
		row++
	}
	_, err := f.WriteTo(w)
	return err
}
