package importer

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/sheet"
)

// MaxErrors is how many row problems a report keeps; the rest are counted.
const MaxErrors = 1000

// RowError is one problem with one cell or row of a file.
type RowError struct {
	Row    int    `json:"row"`    // line in the file; the header is row 1
	Column string `json:"column"` // the header as written in the file
	Value  string `json:"value"`  // the cell, masked when it is a phone or ID number
	Reason string `json:"reason"` // in Chinese, or in the language of Report.In
	Key    string `json:"key"`    // the reason's catalog key
	Args   []any  `json:"-"`      // the reason's arguments
}

// rowError makes a row error, its reason in Chinese.
func rowError(row int, column, value string, m huifang.Msg) RowError {
	return RowError{Row: row, Column: column, Value: value, Reason: m.Text(i18n.ZH), Key: m.Key, Args: m.Args}
}

// In returns the report with its row errors' reasons in language l.
func (r Report) In(l i18n.Lang) Report {
	if r.Errors == nil {
		return r
	}
	errs := make([]RowError, len(r.Errors))
	for i, e := range r.Errors {
		if e.Key != "" {
			e.Reason = huifang.M(e.Key, e.Args...).Text(l)
		}
		errs[i] = e
	}
	r.Errors = errs
	return r
}

func (e RowError) String() string {
	where := fmt.Sprintf("第%d行", e.Row)
	if e.Column != "" {
		where += " " + e.Column
	}
	if e.Value != "" {
		where += "「" + e.Value + "」"
	}
	return where + "：" + e.Reason
}

// Report says how a file fared.
type Report struct {
	Kind       Kind       `json:"kind"`
	HeaderRow  int        `json:"header_row,omitempty"` // the header's line, when titles or notes came before it
	Rows       int        `json:"rows"`                 // data rows, the header and empty lines not counted
	Bad        int        `json:"bad"`                  // rows with at least one problem
	ErrorCount int        `json:"error_count"`          // problems found, kept or not
	Errors     []RowError `json:"errors"`               // the first MaxErrors problems, by row
	Warnings   []string   `json:"warnings"`             // worth knowing, but not stopping the import
	Truncated  bool       `json:"truncated"`            // some problems were not kept
}

// OK reports whether every row is good.
func (r Report) OK() bool { return r.Bad == 0 }

// Summary is one line saying how many rows were read and how many are bad.
func (r Report) Summary() string {
	if r.Bad == 0 {
		return fmt.Sprintf("共%d行%s数据，全部通过检查", r.Rows, i18n.T(i18n.ZH, r.Kind.Key()))
	}
	return fmt.Sprintf("共%d行%s数据，其中%d行有问题（共%d处），没有导入任何数据", r.Rows, i18n.T(i18n.ZH, r.Kind.Key()), r.Bad, r.ErrorCount)
}

// String gives one line per problem and warning, then the summary, for the
// command line.
func (r Report) String() string {
	var b strings.Builder
	for _, e := range r.Errors {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	if r.Truncated {
		fmt.Fprintf(&b, "……另有%d处问题未列出\n", r.ErrorCount-len(r.Errors))
	}
	for _, w := range r.Warnings {
		b.WriteString("提示：" + w + "\n")
	}
	b.WriteString(r.Summary())
	b.WriteByte('\n')
	return b.String()
}

// CSV writes the problems as a CSV file (行号,列,值,原因) in UTF-8 with a
// byte-order mark, for the user to download and open in Excel.
func (r Report) CSV(w io.Writer) error {
	cw, err := sheet.NewCSVWriter(w, []string{"行号", "列", "值", "原因"})
	if err != nil {
		return err
	}
	for _, e := range r.Errors {
		if err := cw.Write([]any{e.Row, e.Column, e.Value, e.Reason}); err != nil {
			return err
		}
	}
	if r.Truncated {
		if err := cw.Write([]any{nil, nil, nil, fmt.Sprintf("另有%d处问题未列出：请改正以上问题后重新上传", r.ErrorCount-len(r.Errors))}); err != nil {
			return err
		}
	}
	return cw.Close()
}

// shown is how a cell appears in a report: phone and ID numbers masked as
// the pages mask them, long values shortened. A value too short to be a
// real number is masked whole: the usual masks would show most of it.
func shown(v string, kind masking) string {
	n := utf8.RuneCountInString(v)
	switch {
	case kind == phoneMask && n < 11, kind == idMask && n < 15:
		return strings.Repeat("*", n)
	case kind == phoneMask:
		v = pii.MaskPhone(v)
	case kind == idMask:
		v = pii.MaskID(v)
	}
	if utf8.RuneCountInString(v) > 60 {
		return string([]rune(v)[:60]) + "…"
	}
	return v
}
