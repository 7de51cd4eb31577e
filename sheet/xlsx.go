package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// The XLSX reader parses the worksheet XML itself, one token at a time,
// because excelize's row iterator returns only strings: it hides each cell's
// type and style, so a date serial could not be told from a number, nor a
// number from text that looks like one.

const (
	maxPartSize = 64 << 20 // workbook, relationships, styles
	maxSSTSize  = 1 << 30  // the shared strings, held in memory
	maxColumns  = 16384    // Excel's limit (column XFD)
	maxCellSize = 1 << 20  // Excel holds at most 32,767 characters in a cell
)

var errCellTooLong = errors.New("cell too long")

type xlsxRows struct {
	rc       io.ReadCloser
	dec      *xml.Decoder
	sst      *sharedStrings
	kinds    []cellKind // by cell style (xf) index
	date1904 bool
	rec      []string
	width    int // cells in the header: later rows are padded to it
	row      int // number of the row being read
	line     int // number of the row returned last
}

// corrupt turns an error met inside the archive into the user's message; a
// failure of the disk itself stays an internal error.
func corrupt(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("read xlsx: %w", err)
	}
	return invalid(msgCorrupt)
}

type xlsxPackage map[string]*zip.File // by lower-case name

func (p xlsxPackage) file(name string) *zip.File {
	return p[strings.ToLower(strings.TrimPrefix(name, "/"))]
}

// unmarshal decodes a small part; a missing part leaves v as it is.
func (p xlsxPackage) unmarshal(name string, v any) error {
	f := p.file(name)
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxPartSize)).Decode(v)
}

type xRelationships struct {
	Rels []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

// target finds the part a relationship points to, relative to the directory
// of the part that holds the relationship.
func (r *xRelationships) target(dir string, match func(id, typ string) bool) string {
	for _, rel := range r.Rels {
		if rel.TargetMode == "External" || !match(rel.ID, rel.Type) {
			continue
		}
		t := strings.ReplaceAll(rel.Target, `\`, "/")
		if strings.HasPrefix(t, "/") {
			return path.Clean(t[1:])
		}
		return path.Join(dir, t)
	}
	return ""
}

func relType(suffix string) func(string, string) bool {
	return func(_, typ string) bool { return strings.HasSuffix(typ, suffix) }
}

type xWorkbook struct {
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name  string `xml:"name,attr"`
		State string `xml:"state,attr"`
		RID   string `xml:"id,attr"` // r:id
	} `xml:"sheets>sheet"`
}

type xStyles struct {
	NumFmts []struct {
		ID   int    `xml:"numFmtId,attr"`
		Code string `xml:"formatCode,attr"`
	} `xml:"numFmts>numFmt"`
	Xfs []struct {
		NumFmtID int `xml:"numFmtId,attr"`
	} `xml:"cellXfs>xf"`
}

func openXLSX(r io.ReaderAt, size int64) (Rows, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, corrupt(err)
	}
	p := make(xlsxPackage, len(zr.File))
	for _, f := range zr.File {
		p[strings.ToLower(f.Name)] = f
	}

	var rootRels xRelationships
	if err := p.unmarshal("_rels/.rels", &rootRels); err != nil {
		return nil, corrupt(err)
	}
	wbPath := rootRels.target("", relType("/officeDocument"))
	if wbPath == "" {
		wbPath = "xl/workbook.xml"
	}
	if p.file(wbPath) == nil {
		return nil, invalid("文件不是 XLSX 工作簿（压缩包里没有工作簿）")
	}
	var wb xWorkbook
	if err := p.unmarshal(wbPath, &wb); err != nil {
		return nil, corrupt(err)
	}
	dir, base := path.Split(wbPath)
	var rels xRelationships
	if err := p.unmarshal(path.Join(dir, "_rels", base+".rels"), &rels); err != nil {
		return nil, corrupt(err)
	}
	if len(wb.Sheets) == 0 {
		return nil, invalid("XLSX 文件里没有工作表")
	}
	first := wb.Sheets[0]
	for _, s := range wb.Sheets {
		if s.State == "" || s.State == "visible" {
			first = s
			break
		}
	}
	sheetPath := rels.target(dir, func(id, _ string) bool { return id == first.RID })
	sheetFile := p.file(sheetPath)
	if sheetFile == nil {
		return nil, invalid(msgCorrupt)
	}

	x := &xlsxRows{date1904: wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"}
	if name := rels.target(dir, relType("/styles")); name != "" {
		var st xStyles
		if err := p.unmarshal(name, &st); err != nil {
			return nil, corrupt(err)
		}
		x.kinds = styleKinds(&st)
	}
	if name := rels.target(dir, relType("/sharedStrings")); name != "" && p.file(name) != nil {
		if x.sst, err = readSharedStrings(p.file(name)); err != nil {
			return nil, err
		}
	}
	if x.rc, err = sheetFile.Open(); err != nil {
		return nil, corrupt(err)
	}
	x.dec = xml.NewDecoder(x.rc)
	return x, nil
}

// styleKinds tells, for each cell style, whether its numbers are dates.
func styleKinds(st *xStyles) []cellKind {
	custom := make(map[int]string, len(st.NumFmts))
	for _, f := range st.NumFmts {
		custom[f.ID] = f.Code
	}
	kinds := make([]cellKind, len(st.Xfs))
	for i, xf := range st.Xfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			kinds[i] = formatKind(code)
		} else {
			kinds[i] = builtinKind(xf.NumFmtID)
		}
	}
	return kinds
}

// sharedStrings holds the workbook's string table in one buffer.
type sharedStrings struct {
	buf  []byte
	ends []int
}

func (s *sharedStrings) get(i int) (string, bool) {
	if s == nil || i < 0 || i >= len(s.ends) {
		return "", false
	}
	start := 0
	if i > 0 {
		start = s.ends[i-1]
	}
	return unescapeOOXML(string(s.buf[start:s.ends[i]])), true
}

func readSharedStrings(f *zip.File) (*sharedStrings, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, corrupt(err)
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	s := &sharedStrings{}
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return s, nil
		} else if err != nil {
			return nil, corrupt(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			if s.buf, err = appendText(d, s.buf, "si"); err != nil {
				return nil, corrupt(err)
			}
			if len(s.buf) > maxSSTSize {
				return nil, invalid("XLSX 文件的文字内容太多（超过 1 GiB），请拆分或另存为 CSV")
			}
			s.ends = append(s.ends, len(s.buf))
		}
	}
}

// appendText appends the text of the <t> elements up to the end of the
// element named end, leaving out phonetic guides (<rPh>).
func appendText(d *xml.Decoder, buf []byte, end string) ([]byte, error) {
	inT, phonetic, start := false, 0, len(buf)
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "rPh":
				phonetic++
			case "t":
				inT = phonetic == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case end:
				return buf, nil
			case "rPh":
				phonetic--
			case "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				if buf = append(buf, t...); len(buf)-start > maxCellSize {
					return buf, errCellTooLong
				}
			}
		}
	}
}

func (x *xlsxRows) Next() ([]string, error) {
	for {
		rec, err := x.readRow()
		if err != nil {
			return nil, err
		}
		for i := range rec {
			rec[i] = cleanCell(rec[i])
		}
		if allEmpty(rec) {
			continue
		}
		if x.width == 0 {
			for len(rec) > 0 && rec[len(rec)-1] == "" {
				rec = rec[:len(rec)-1]
			}
			x.width = len(rec)
		}
		for len(rec) < x.width {
			rec = append(rec, "")
		}
		x.rec = rec
		x.line = x.row
		return rec, nil
	}
}

// readRow reads the next <row> element.
func (x *xlsxRows) readRow() ([]string, error) {
	x.rec = x.rec[:0]
	inRow, col := false, 0
	for {
		tok, err := x.dec.RawToken()
		if errors.Is(err, io.EOF) {
			if inRow {
				return nil, invalid(msgCorrupt)
			}
			return nil, io.EOF
		} else if err != nil {
			return nil, corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow, col = true, 0
				x.row++
				if r := attr(t, "r"); r != "" {
					n, err := strconv.Atoi(r)
					if err != nil || n < 1 {
						return nil, invalid(msgCorrupt)
					}
					x.row = n
				}
			case "c":
				if !inRow {
					continue
				}
				col++
				if ref := attr(t, "r"); ref != "" {
					c, ok := columnOf(ref)
					if !ok {
						return nil, invalid(msgCorrupt)
					}
					col = c
				}
				v, err := x.cell(t)
				if err != nil {
					return nil, err
				}
				for len(x.rec) < col-1 {
					x.rec = append(x.rec, "")
				}
				if len(x.rec) == col-1 {
					x.rec = append(x.rec, v)
				} else {
					x.rec[col-1] = v // out of order; the last one wins
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				return x.rec, nil
			case "sheetData":
				return nil, io.EOF
			}
		}
	}
}

// cell reads one <c> element and renders its value.
func (x *xlsxRows) cell(start xml.StartElement) (string, error) {
	typ := attr(start, "t")
	style, _ := strconv.Atoi(attr(start, "s"))
	var v, inline []byte
	for {
		tok, err := x.dec.RawToken()
		if err != nil {
			return "", corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				if v, err = appendChars(x.dec, v[:0], "v"); err != nil {
					return "", corrupt(err)
				}
			case "is":
				if inline, err = appendText(x.dec, inline[:0], "is"); err != nil {
					return "", corrupt(err)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "c" {
				return x.render(typ, style, string(v), string(inline))
			}
		}
	}
}

func (x *xlsxRows) render(typ string, style int, v, inline string) (string, error) {
	switch typ {
	case "s":
		if v == "" {
			return "", nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		s, ok := x.sst.get(i)
		if err != nil || !ok {
			return "", invalid(msgCorrupt)
		}
		return s, nil
	case "inlineStr":
		return unescapeOOXML(inline), nil
	case "str", "e":
		return unescapeOOXML(v), nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	case "d":
		return isoDateTime(strings.TrimSpace(v)), nil
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if style > 0 && style < len(x.kinds) && x.kinds[style] != kindNumber {
		return formatSerial(v, x.kinds[style], x.date1904), nil
	}
	return plainNumber(v), nil
}

// appendChars appends the character data up to the end of the element named end.
func appendChars(d *xml.Decoder, buf []byte, end string) ([]byte, error) {
	start := len(buf)
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if buf = append(buf, t...); len(buf)-start > maxCellSize {
				return buf, errCellTooLong
			}
		case xml.EndElement:
			if t.Name.Local == end {
				return buf, nil
			}
		}
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// columnOf gives the 1-based column of a cell reference such as "AB12".
func columnOf(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > maxColumns {
			return 0, false
		}
	}
	return col, i > 0 && col > 0
}

func (x *xlsxRows) Line() int { return x.line }

func (x *xlsxRows) Close() error { return x.rc.Close() }
