package demo

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/huifang/huifang/app"
)

// TestDemoWAV: the generated recording is a valid, small WAV (8 kHz mono
// 16-bit PCM) that the recording path accepts, the same for the same seed.
func TestDemoWAV(t *testing.T) {
	wav := demoWAV(7, 3)
	if ft, ok := app.Sniff(app.AudioTypes, wav[:min(len(wav), app.SniffLen)]); !ok || ft.Format != "wav" {
		t.Fatalf("not taken for WAV: %+v %v", ft, ok)
	}
	le := binary.LittleEndian
	if string(wav[:4]) != "RIFF" || string(wav[8:16]) != "WAVEfmt " || le.Uint16(wav[20:]) != 1 || le.Uint16(wav[22:]) != 1 ||
		le.Uint32(wav[24:]) != 8000 || le.Uint16(wav[34:]) != 16 || string(wav[36:40]) != "data" {
		t.Fatalf("header % x", wav[:44])
	}
	if n := le.Uint32(wav[40:]); n != 2*8000*3 || int(n)+44 != len(wav) || le.Uint32(wav[4:]) != uint32(len(wav)-8) {
		t.Fatalf("data %d bytes of %d", n, len(wav))
	}
	if !bytes.Equal(wav, demoWAV(7, 3)) || bytes.Equal(wav, demoWAV(8, 3)) {
		t.Error("not determined by its seed")
	}
}
