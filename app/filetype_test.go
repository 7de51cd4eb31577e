package app_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
	"github.com/huifang/huifang/blob"
	"github.com/huifang/huifang/testworld"
)

// exe is the start of a Windows program (an MZ header), whatever it is named.
var exe = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 64)...)

// pngImage is a 1×1 PNG.
var pngImage = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

func TestSniff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		head   string
		types  []app.FileType
		format string // "" when refused
	}{
		{"pdf", "%PDF-1.7\n", app.DocumentTypes, "pdf"},
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF", app.DocumentTypes, "jpg"},
		{"png", string(pngImage[:12]), app.DocumentTypes, "png"},
		{"exe named .jpg", string(exe[:12]), app.DocumentTypes, ""},
		{"html", "<html><script>", app.DocumentTypes, ""},
		{"gif", "GIF89a", app.DocumentTypes, ""},
		{"empty", "", app.DocumentTypes, ""},
		{"audio as a document", "OggS\x00\x02", app.DocumentTypes, ""},
		{"wav", "RIFF\x24\x00\x00\x00WAVE", app.AudioTypes, "wav"},
		{"mp3 with a tag", "ID3\x04\x00", app.AudioTypes, "mp3"},
		{"mp3 frame", "\xff\xfb\x90\x00", app.AudioTypes, "mp3"},
		{"amr", "#!AMR\n", app.AudioTypes, "amr"},
		{"ogg", "OggS\x00\x02", app.AudioTypes, "ogg"},
		{"exe as audio", string(exe[:12]), app.AudioTypes, ""},
		{"pdf as audio", "%PDF-1.7", app.AudioTypes, ""},
	} {
		ft, ok := app.Sniff(tc.types, []byte(tc.head))
		if ok != (tc.format != "") || ft.Format != tc.format {
			t.Errorf("%s: %q %v, want %q", tc.name, ft.Format, ok, tc.format)
		}
	}
	if got := app.Labels(app.DocumentTypes); got != "PDF、JPEG 或 PNG" {
		t.Errorf("labels %q", got)
	}
}

// TestUploadsToldByContent: a renamed program — a .jpg or .pdf name and an
// image/jpeg type — is refused as a problem case's evidence, a letter's
// receipt and a recording, each with a message naming what is accepted and
// nothing stored; a PNG claimed as anything is kept as image/png, and the
// case's timeline knows its name, type and size.
func TestUploadsToldByContent(t *testing.T) {
	t.Parallel()
	eachWorld(t, func(t *testing.T, tw *testworld.World) {
		w := setup(t, tw)
		dir := t.TempDir()
		blobs, err := blob.NewLocal(dir)
		mustDo(t, func() error { return err })
		w.svc.Blobs = blobs
		mgr := w.user(t, "A", "mgr", huifang.RoleManager, "", "")
		unit := w.user(t, "A", "h-unit", huifang.RoleHandler, "86010101", "")
		w.loadPolicies(t, policyLine("P1", "L20", "个险", "2026-03-02", "13800000001", 1), policyLine("P2", "L20", "个险", "2026-03-02", "13800000002", 2))
		c := w.signedByAnother(t, w.op)
		_, err = w.svc.Transfer(ctx, mgr, c.ID, app.TransferInput{Branch: "86010101", Handler: "h-unit"})
		mustDo(t, func() error { return err })
		_, err = w.svc.Acknowledge(ctx, unit, c.ID)
		mustDo(t, func() error { return err })

		for _, name := range []string{"回执.jpg", "回执.pdf"} {
			_, err := w.svc.Act(ctx, unit, c.ID, app.ActionInput{Kind: "visit", Note: "上门", Evidence: &app.Upload{Name: name, ContentType: "image/jpeg", Data: exe}})
			if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), "PDF、JPEG 或 PNG") {
				t.Fatalf("evidence %s: %v", name, err)
			}
		}
		if v, _ := w.svc.Case(ctx, unit, c.ID); len(v.Evidence) != 0 || blobCount(t, dir) != 0 {
			t.Fatalf("a refused document was kept: %v", v.Evidence)
		}
		_, err = w.svc.Act(ctx, unit, c.ID, app.ActionInput{Kind: "visit", Note: "上门", Evidence: &app.Upload{Name: "照片.png", ContentType: "application/octet-stream", Data: pngImage}})
		mustDo(t, func() error { return err })
		v, err := w.svc.Case(ctx, unit, c.ID)
		mustDo(t, func() error { return err })
		id := v.Events[len(v.Events)-1].EvidenceID
		if d := v.Evidence[id]; d.Name != "照片.png" || d.ContentType != "image/png" || d.Size != int64(len(pngImage)) {
			t.Fatalf("evidence on the timeline: %+v", d)
		}

		wk := w.callbackWork(t, w.op, "P2")
		in := letter(wk)
		in.Receipt, in.ReceiptName = bytes.NewReader(exe), "回执.jpg"
		_, err = w.svc.RecordLetter(ctx, w.op, wk.Callback.ID, in)
		if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(fieldOf(err, "receipt"), "PDF、JPEG 或 PNG") {
			t.Fatalf("receipt: %v", err)
		}
		_, err = w.svc.AddRecording(ctx, w.op, wk.Callback.ID, 0, bytes.NewReader(exe), "api")
		if huifang.ErrorCode(err) != huifang.EINVALID || !strings.Contains(huifang.ErrorMessage(err), "WAV、MP3、AMR 或 OGG") {
			t.Fatalf("recording: %v", err)
		}
		if n := blobCount(t, dir); n != 1 {
			t.Fatalf("objects stored: %d, want the PNG only", n)
		}
	})
}
