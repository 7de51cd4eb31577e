//go:build linux

package sheet

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/sheet/sheettest"
)

const gib = 1 << 30

// bombs are workbooks of a few megabytes that unpack to a GiB or more, each
// against one limit, with what the refusal must say.
var bombs = []struct {
	name  string
	parts map[string]sheettest.Part
	want  string
}{
	{"one shared string of 1 GiB", map[string]sheettest.Part{
		"xl/sharedStrings.xml": sheettest.Bulk(`<sst><si><t>`, "A", gib, `</t></si></sst>`),
	}, "文件解压后过大：共享字符串第1项超过 128 KiB"},
	{"one shared string of 1 GiB in pieces", map[string]sheettest.Part{
		"xl/sharedStrings.xml": sheettest.Bulk(`<sst><si>`, "<r><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></r>", gib, `</si></sst>`),
	}, "文件解压后过大：共享字符串第1项超过 128 KiB"},
	{"1 GiB of shared strings", map[string]sheettest.Part{
		"xl/sharedStrings.xml": sheettest.Bulk(`<sst>`, "<si><t>"+strings.Repeat("张三丰", 10<<10)+"</t></si>", gib, `</sst>`),
	}, "文件解压后过大：共享字符串（工作簿中的文字）超过 128 MiB"},
	{"a million empty shared strings", map[string]sheettest.Part{
		"xl/sharedStrings.xml": sheettest.Bulk(`<sst>`, "<si/>", gib, `</sst>`),
	}, "文件解压后过大：共享字符串（工作簿中的文字）超过 128 MiB"},
	{"a row of endless cells", map[string]sheettest.Part{
		"xl/worksheets/sheet1.xml": sheettest.Bulk(`<worksheet><sheetData><row>`, "<c><v>1</v></c>", gib, `</row></sheetData></worksheet>`),
	}, "文件解压后过大：第1行超过 16384 列"},
	{"endless rows", map[string]sheettest.Part{
		"xl/worksheets/sheet1.xml": sheettest.Bulk(`<worksheet><sheetData>`, `<row><c t="s"><v>0</v></c></row>`, gib, `</sheetData></worksheet>`),
	}, "文件解压后过大：工作表超过 1048576 行"},
	{"a row of big cells", map[string]sheettest.Part{
		"xl/sharedStrings.xml":     sheettest.Text(`<sst><si><t>`, strings.Repeat("A", 100<<10), `</t></si></sst>`),
		"xl/worksheets/sheet1.xml": sheettest.Bulk(`<worksheet><sheetData><row>`, `<c t="s"><v>0</v></c>`, gib, `</row></sheetData></worksheet>`),
	}, "文件解压后过大：第1行的内容超过 4 MiB"},
	{"a cell of 1 GiB", map[string]sheettest.Part{
		"xl/worksheets/sheet1.xml": sheettest.Bulk(`<worksheet><sheetData><row><c t="inlineStr"><is>`, "<t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t>", gib, `</is></c></row></sheetData></worksheet>`),
	}, "文件解压后过大：第1行有一个单元格超过 128 KiB"},
	{"an attribute of 1 GiB", map[string]sheettest.Part{
		"xl/worksheets/sheet1.xml": sheettest.Bulk(`<worksheet><sheetData><row><c r="A1" x="`, "A", gib, `"/></row></sheetData></worksheet>`),
	}, "文件解压后过大：xl/worksheets/sheet1.xml 中有一段连续内容超过 1 MiB"},
	{"a workbook part of 1 GiB", map[string]sheettest.Part{
		"xl/workbook.xml": sheettest.Bulk(`<workbook xmlns:r="r"><sheets><sheet name="a" r:id="rId1"/></sheets>`, "<x/>", gib, `</workbook>`),
	}, "文件解压后过大：xl/workbook.xml 解压后超过 16 MiB"},
}

// bombPaths writes the bombs to files.
func bombPaths(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, b := range bombs {
		name := filepath.Join(t.TempDir(), strings.ReplaceAll(b.name, " ", "-")+".xlsx")
		if err := os.WriteFile(name, sheettest.XLSX(b.parts), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	return files
}

// readFile reads every row of a file, the first as the header.
func readFile(name string) error {
	rows, err := OpenFile(name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for first := true; ; first = false {
		if _, err := rows.Next(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if first {
			rows.Header()
		}
	}
}

// TestBombChild reads the files named in HUIFANG_BOMBS at the same time,
// in a process of its own so that its peak memory can be measured, and
// prints each one's error.
func TestBombChild(t *testing.T) {
	names := os.Getenv("HUIFANG_BOMBS")
	if names == "" {
		t.Skip("run by TestXLSXBombs")
	}
	files := strings.Split(names, "\n")
	msgs := make([]string, len(files))
	var wg sync.WaitGroup
	for i, name := range files {
		wg.Go(func() {
			err := readFile(name)
			if huifang.ErrorCode(err) == huifang.EINVALID {
				msgs[i] = huifang.ErrorMessage(err)
			} else {
				msgs[i] = "unexpected: " + strings.TrimSpace(errString(err))
			}
		})
	}
	wg.Wait()
	json.NewEncoder(os.Stdout).Encode(msgs)
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// readInChild reads files in a child process and gives each one's message
// and the child's peak resident memory.
func readInChild(t *testing.T, files []string) ([]string, int64) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBombChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HUIFANG_BOMBS="+strings.Join(files, "\n"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var msgs []string
	line := out[:bytes.IndexByte(out, '\n')+1]
	if err := json.Unmarshal(line, &msgs); err != nil {
		t.Fatalf("child said %s: %v", out, err)
	}
	return msgs, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
}

// An XLSX bomb — a few megabytes that unpack to gigabytes — is refused
// with the limit it broke, and reading it never takes 400 MB, alone or
// several at once.
func TestXLSXBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds workbooks of several GiB unpacked")
	}
	files := bombPaths(t)
	for i, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			fi, err := os.Stat(files[i])
			if err != nil {
				t.Fatal(err)
			}
			msgs, peak := readInChild(t, files[i:i+1])
			t.Logf("%d KB file: peak %d MB: %s", fi.Size()>>10, peak>>20, msgs[0])
			if !strings.Contains(msgs[0], b.want) {
				t.Errorf("got %q, want %q", msgs[0], b.want)
			}
			if peak > 400<<20 {
				t.Errorf("peak memory %d MB", peak>>20)
			}
		})
	}
	t.Run("in parallel", func(t *testing.T) {
		// Four of the bomb that takes most memory, and one of each that
		// is quick to refuse.
		var all []int
		for i, b := range bombs {
			switch b.name {
			case "1 GiB of shared strings":
				all = append(all, i, i, i, i)
			case "a million empty shared strings", "endless rows":
			default:
				all = append(all, i)
			}
		}
		var names []string
		for _, i := range all {
			names = append(names, files[i])
		}
		msgs, peak := readInChild(t, names)
		t.Logf("%d bombs at once: peak %d MB", len(all), peak>>20)
		for j, m := range msgs {
			if b := bombs[all[j]]; !strings.Contains(m, b.want) {
				t.Errorf("%s: got %q, want %q", b.name, m, b.want)
			}
		}
		if peak > 400<<20 {
			t.Errorf("peak memory %d MB", peak>>20)
		}
	})
}

// The whole workbook's limit is shared by its parts, each part has its own,
// and so has each token; a workbook of 2 GiB takes minutes to build and
// read, so the limits are tried here on a smaller scale.
func TestPartReader(t *testing.T) {
	read := func(p *partReader, n int) error {
		for range n {
			if _, err := p.ReadByte(); err != nil {
				return err
			}
		}
		return nil
	}
	body := strings.NewReader(strings.Repeat("x", 4<<20))
	total := int64(4 << 20)
	a := newPartReader(body, "a.xml", maxPartSize, &total)
	for range 2 {
		a.nextToken()
		if err := read(a, 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	a.nextToken()
	if err := read(a, 1<<20+1); err == nil || !strings.Contains(err.Error(), "a.xml 中有一段连续内容超过 1 MiB") {
		t.Errorf("token: %v", err)
	}
	b := newPartReader(body, "b.xml", maxPartSize, &total)
	b.nextToken()
	if err := read(b, 1<<20+1); err == nil || !strings.Contains(err.Error(), "工作簿解压后超过 2 GiB") {
		t.Errorf("total: %v (%d left)", err, total)
	}
	total = maxUnpacked
	c := newPartReader(strings.NewReader(strings.Repeat("x", 20<<20)), "c.xml", maxPartSize, &total)
	c.setToken(maxPartSize)
	if err := read(c, maxPartSize+1); err == nil || !strings.Contains(err.Error(), "c.xml 解压后超过 16 MiB") {
		t.Errorf("part: %v", err)
	}
}
