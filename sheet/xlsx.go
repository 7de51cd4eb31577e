package sheet

import (
	"archive/zip"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/huifang/huifang"
)

// The XLSX reader parses the worksheet XML itself, one token at a time,
// because excelize's row iterator returns only strings: it hides each cell's
// type and style, so a date serial could not be told from a number, nor a
// number from text that looks like one.

var errCellTooLong = errors.New("cell too long")

type xlsxRows struct {
	rc       io.ReadCloser
	tok      *tokens
	sst      *sharedStrings
	kinds    []cellKind // by cell style (xf) index
	date1904 bool
	rec      []string
	header   bool
	width    int   // cells in the header: later rows are padded to it
	row      int   // number of the row being read
	line     int   // number of the row returned last
	unpacked int64 // bytes the workbook may still unpack to
}

// corrupt turns an error met inside the archive into the user's message; a
// failure of the disk itself stays an internal error.
func corrupt(err error) error {
	var tb *tooBigError
	if errors.As(err, &tb) {
		return tb.message()
	}
	if errors.Is(err, errBusy) {
		return huifang.Errorf(huifang.ECONFLICT, "err.sheet.busy")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("read xlsx: %w", err)
	}
	return invalid("err.sheet.corrupt")
}

// tokens reads the XML of one part, each token within maxToken bytes.
type tokens struct {
	d *xml.Decoder
	p *partReader
}

func newTokens(r io.Reader, name string, limit int64, total *int64) *tokens {
	p := newPartReader(r, name, limit, total)
	return &tokens{d: xml.NewDecoder(p), p: p}
}

func (t *tokens) next() (xml.Token, error) {
	t.p.nextToken()
	return t.d.RawToken()
}

type xlsxPackage struct {
	files    map[string]*zip.File // by lower-case name
	unpacked *int64               // bytes the workbook may still unpack to
}

func (p xlsxPackage) file(name string) *zip.File {
	return p.files[strings.ToLower(strings.TrimPrefix(name, "/"))]
}

// unmarshal decodes a small part, of at most maxPartSize bytes; a missing
// part leaves v as it is.
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
	pr := newPartReader(rc, f.Name, maxPartSize, p.unpacked)
	pr.setToken(maxPartSize) // the decoder reads the part whole: no token is reset
	return xml.NewDecoder(pr).Decode(v)
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
	x := &xlsxRows{unpacked: maxUnpacked}
	p := xlsxPackage{files: make(map[string]*zip.File, len(zr.File)), unpacked: &x.unpacked}
	for _, f := range zr.File {
		p.files[strings.ToLower(f.Name)] = f
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
		return nil, invalid("err.sheet.no_workbook")
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
		return nil, invalid("err.sheet.no_sheet")
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
		return nil, invalid("err.sheet.corrupt")
	}

	x.date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	if name := rels.target(dir, relType("/styles")); name != "" {
		var st xStyles
		if err := p.unmarshal(name, &st); err != nil {
			return nil, corrupt(err)
		}
		x.kinds = styleKinds(&st)
	}
	if name := rels.target(dir, relType("/sharedStrings")); name != "" && p.file(name) != nil {
		if x.sst, err = readSharedStrings(p.file(name), &x.unpacked); err != nil {
			return nil, corrupt(err)
		}
	}
	if x.rc, err = sheetFile.Open(); err != nil {
		x.sst.release()
		return nil, corrupt(err)
	}
	x.tok = newTokens(x.rc, sheetFile.Name, maxUnpacked, &x.unpacked)
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

// sharedStrings holds the workbook's string table in blocks of sstBlock
// bytes, each string its length (a uvarint) then its bytes, never across two
// blocks; index blocks give each string's place, block<<20 | offset, as
// little-endian uint32s. The blocks are taken from sstMemory, allocated
// outside the Go heap where the system allows (see allocBlock), and given
// back by release.
type sharedStrings struct {
	data     [][]byte
	used     int // bytes used in the last data block
	index    [][]byte
	n        int
	reserved int // blocks of sstMemory reserved but not yet used
}

const indexBlock = sstBlock / 4 // places in one index block

func (s *sharedStrings) get(i int) (string, bool) {
	if s == nil || i < 0 || i >= s.n {
		return "", false
	}
	pos := binary.LittleEndian.Uint32(s.index[i/indexBlock][i%indexBlock*4:])
	b := s.data[pos>>20][pos&(sstBlock-1):]
	n, k := binary.Uvarint(b)
	return unescapeOOXML(string(b[k : k+int(n)])), true
}

// add appends a string of at most maxCellSize bytes.
func (s *sharedStrings) add(str []byte) error {
	if len(s.data) == 0 || s.used+binary.MaxVarintLen32+len(str) > sstBlock {
		b, err := s.block()
		if err != nil {
			return err
		}
		s.data, s.used = append(s.data, b), 0
	}
	if s.n%indexBlock == 0 {
		b, err := s.block()
		if err != nil {
			return err
		}
		s.index = append(s.index, b)
	}
	blk := len(s.data) - 1
	binary.LittleEndian.PutUint32(s.index[s.n/indexBlock][s.n%indexBlock*4:], uint32(blk<<20|s.used))
	d := s.data[blk]
	k := binary.PutUvarint(d[s.used:], uint64(len(str)))
	s.used += k + copy(d[s.used+k:], str)
	s.n++
	return nil
}

// block takes one more block of memory, within the table's limit and the
// memory of all the tables being read.
func (s *sharedStrings) block() ([]byte, error) {
	if (len(s.data)+len(s.index)+1)*sstBlock > maxSSTSize || s.reserved == 0 {
		return nil, tooBig("err.sheet.sst_too_large", size(maxSSTSize))
	}
	b, err := allocBlock()
	if err != nil {
		return nil, fmt.Errorf("shared strings: %w", err)
	}
	s.reserved--
	return b, nil
}

// release gives the table's memory back.
func (s *sharedStrings) release() {
	if s == nil {
		return
	}
	for _, b := range append(s.data, s.index...) {
		freeBlock(b)
	}
	releaseBlocks(len(s.data) + len(s.index) + s.reserved)
	s.data, s.index, s.n, s.reserved = nil, nil, 0, 0
}

// sstBlocks is how many blocks the table of a part may need, at most: a
// string takes no more memory than its XML (<si/> is 5 bytes; the table
// takes 1 for the length and 4 for the index), and a data block may leave
// an eighth of itself unused. archive/zip refuses to inflate a part beyond
// the size its header declares, which makes that size a bound.
func sstBlocks(declared uint64) int {
	return int(min(declared/sstBlock*5/4+3, maxSSTSize/sstBlock+1))
}

func readSharedStrings(f *zip.File, unpacked *int64) (*sharedStrings, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	t := newTokens(rc, f.Name, maxUnpacked, unpacked)
	// The memory is reserved at once, before reading: readers that took it
	// a block at a time could each hold part of what they need and all wait.
	s := &sharedStrings{reserved: sstBlocks(f.UncompressedSize64)}
	if err := reserveBlocks(s.reserved); err != nil {
		return nil, err
	}
	var buf []byte
	for {
		tok, err := t.next()
		if errors.Is(err, io.EOF) {
			releaseBlocks(s.reserved) // what the table did not need
			s.reserved = 0
			return s, nil
		} else if err != nil {
			s.release()
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			if buf, err = appendText(t, buf[:0], "si"); err != nil {
				s.release()
				if errors.Is(err, errCellTooLong) {
					return nil, tooBig("err.sheet.sst_item_too_large", s.n+1, size(maxCellSize))
				}
				return nil, err
			}
			if err := s.add(buf); err != nil {
				s.release()
				return nil, err
			}
		}
	}
}

// appendText appends the text of the <t> elements up to the end of the
// element named end, leaving out phonetic guides (<rPh>).
func appendText(d *tokens, buf []byte, end string) ([]byte, error) {
	inT, phonetic, start := false, 0, len(buf)
	for {
		tok, err := d.next()
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
		if err := checkNUL(x.row, rec); err != nil {
			return nil, err
		}
		if !x.header {
			for len(rec) > 0 && rec[len(rec)-1] == "" {
				rec = rec[:len(rec)-1]
			}
		}
		for len(rec) < x.width {
			rec = append(rec, "")
		}
		x.rec = rec
		x.line = x.row
		return rec, nil
	}
}

// Header makes the row returned last the header: later rows are padded to it.
func (x *xlsxRows) Header() {
	x.header, x.width = true, len(x.rec)
}

// readRow reads the next <row> element.
func (x *xlsxRows) readRow() ([]string, error) {
	x.rec = x.rec[:0]
	inRow, col, bytes := false, 0, 0
	for {
		tok, err := x.tok.next()
		if errors.Is(err, io.EOF) {
			if inRow {
				return nil, invalid("err.sheet.corrupt")
			}
			return nil, io.EOF
		} else if err != nil {
			return nil, corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow, col, bytes = true, 0, 0
				x.row++
				if r := attr(t, "r"); r != "" {
					n, err := strconv.Atoi(r)
					if err != nil || n < 1 {
						return nil, invalid("err.sheet.corrupt")
					}
					x.row = n
				}
				if x.row > maxRows {
					return nil, tooBig("err.sheet.rows_over_limit", maxRows).message()
				}
			case "c":
				if !inRow {
					continue
				}
				col++
				if ref := attr(t, "r"); ref != "" {
					c, ok := columnOf(ref)
					if !ok {
						return nil, invalid("err.sheet.corrupt")
					}
					col = c
				}
				if col > maxColumns {
					return nil, tooBig("err.sheet.row_columns_over_limit", x.row, maxColumns).message()
				}
				v, err := x.cell(t)
				if err != nil {
					return nil, err
				}
				if bytes += len(v); bytes > maxRowSize {
					return nil, tooBig("err.sheet.row_too_large", x.row, size(maxRowSize)).message()
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
		tok, err := x.tok.next()
		if err != nil {
			return "", corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				v, err = appendChars(x.tok, v[:0], "v")
			case "is":
				inline, err = appendText(x.tok, inline[:0], "is")
			}
			if errors.Is(err, errCellTooLong) {
				return "", tooBig("err.sheet.cell_too_large", x.row, size(maxCellSize)).message()
			} else if err != nil {
				return "", corrupt(err)
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
			return "", invalid("err.sheet.corrupt")
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
func appendChars(d *tokens, buf []byte, end string) ([]byte, error) {
	start := len(buf)
	for {
		tok, err := d.next()
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
			return maxColumns + 1, true // refused by the caller as too wide
		}
	}
	return col, i > 0 && col > 0
}

func (x *xlsxRows) Line() int { return x.line }

func (x *xlsxRows) Close() error {
	x.sst.release()
	return x.rc.Close()
}
