package app

// SetXLSXExportRowsForTest lowers how many callbacks an XLSX export holds.
func SetXLSXExportRowsForTest(n int) func() {
	old := xlsxExportRows
	xlsxExportRows = n
	return func() { xlsxExportRows = old }
}
