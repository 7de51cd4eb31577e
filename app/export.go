package app

import (
	"context"
	"fmt"
	"io"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/callback"
	"github.com/huifang/huifang/i18n"
	"github.com/huifang/huifang/pii"
	"github.com/huifang/huifang/sheet"
)

// ExportHeader is the header of the callback export, in Chinese.
var ExportHeader = zhAll("policy_no", "kind", "channel", "branch", "product", "holder", "receipt_on", "due_on",
	"status", "result", "reason", "attempts", "late", "finished_at", "risk")

// zhAll gives the export's Chinese column names of columns.
func zhAll(columns ...string) []string {
	h := make([]string, len(columns))
	for i, c := range columns {
		h[i] = i18n.T(i18n.ZH, "export.callbacks.col."+c)
	}
	return h
}

// rowWriter is what both export formats offer.
type rowWriter interface {
	Write(row []any) error
	Flush() error
	Close() error
}

// xlsxExportRows is how many callbacks an XLSX export may hold (a test
// lowers it).
var xlsxExportRows = sheet.XLSXMaxDataRows

// flushStart sends an export's first bytes (the header, the workbook's
// small parts) before the slow lookups, so that the download begins at
// once; w passes them on when it can flush (an HTTP response).
func flushStart(out rowWriter, w io.Writer) error {
	if err := out.Flush(); err != nil {
		return err
	}
	if f, ok := w.(interface{ Flush() }); ok {
		f.Flush()
	}
	return nil
}

// newRowWriter starts a CSV ("" or "csv") or XLSX file with header; the
// XLSX sheet is named by the catalog key sheetKey.
func newRowWriter(w io.Writer, format, sheetKey string, header []string) (rowWriter, error) {
	switch format {
	case "", "csv":
		return sheet.NewCSVWriter(w, header)
	case "xlsx":
		return sheet.NewXLSXWriter(w, i18n.T(i18n.ZH, sheetKey), header)
	}
	return nil, huifang.Errorf(huifang.EINVALID, "err.export.unknown_format", format)
}

// ExportCallbacks writes the organisation's callbacks as CSV or XLSX, streamed.
// The policyholder's name is masked: the export leaves the building.
func (s *Service) ExportCallbacks(ctx context.Context, u *huifang.User, f huifang.CallbackFilter, format string, w io.Writer) error {
	if err := require(u, huifang.PermExport); err != nil {
		return err
	}
	return s.exportCallbacks(ctx, u.OrgID, f, format, w)
}

// ExportCallbacksOf is the command line's export of one organisation.
func (s *Service) ExportCallbacksOf(ctx context.Context, orgCode string, format string, w io.Writer) error {
	org, err := s.Org(ctx, CLI(), orgCode)
	if err != nil {
		return err
	}
	return s.exportCallbacks(ctx, org.ID, huifang.CallbackFilter{}, format, w)
}

func (s *Service) exportCallbacks(ctx context.Context, orgID int64, f huifang.CallbackFilter, format string, w io.Writer) error {
	out, err := newRowWriter(w, format, "export.callbacks.sheet", ExportHeader)
	if err != nil {
		return err
	}
	f.Limit, f.Offset, f.Today = 0, 0, s.today()
	if err := s.withRisk(ctx, orgID, &f); err != nil {
		return err
	}
	if format == "xlsx" {
		// Refused before the first byte, with a page, not a file cut at
		// Excel's last row.
		n, err := s.db.CountCallbacksCapped(ctx, orgID, f, xlsxExportRows)
		if err != nil {
			return err
		}
		if n.Capped {
			return huifang.Errorf(huifang.EINVALID, "err.sheet.too_many_rows_export", xlsxExportRows)
		}
	}
	if err := flushStart(out, w); err != nil {
		return err
	}
	flagged, err := s.flaggedSigns(ctx, orgID)
	if err != nil {
		return err
	}
	err = s.db.ForEachCallback(ctx, orgID, f, func(r *huifang.CallbackRow) error {
		late := ""
		if r.Status == huifang.StatusDone {
			late = i18n.T(i18n.ZH, "no")
			if r.Late {
				late = i18n.T(i18n.ZH, "yes")
			}
		}
		var finished any
		if !r.FinishedAt.IsZero() {
			finished = r.FinishedAt
		}
		return out.Write([]any{r.PolicyNo, zhName(r.Kind, r.Kind.Key()), zhName(r.Channel, r.Channel.Key()), r.BranchCode, r.ProductCode, pii.MaskName(r.HolderName),
			r.ReceiptOn, r.DueOn, zhName(r.Status, r.Status.Key()), zhName(r.Result, r.Result.Key()), reasonZH(r.Reason), r.Attempts, late, finished, signsZH(flagged[r.PolicyNo])})
	})
	if err != nil {
		return fmt.Errorf("export callbacks: %w", err)
	}
	return out.Close()
}

// zhName is a domain value's Chinese name from the catalog; no value, no name.
func zhName[V ~string](v V, key string) string {
	if v == "" {
		return ""
	}
	return i18n.T(i18n.ZH, key)
}

// reasonZH is the export's Chinese name of a reason a callback was not
// completed; no known reason, no name.
func reasonZH(r string) string {
	switch r {
	case callback.ReasonNotPolicyholder, callback.ReasonCannotContact, callback.ReasonInvalidNumber, callback.ReasonRefused:
		return i18n.T(i18n.ZH, "export.callbacks.reason."+r)
	}
	return ""
}
