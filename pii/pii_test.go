package pii

import (
	"strings"
	"testing"
)

func testBox(t *testing.T) *Box {
	t.Helper()
	k, err := ParseKey(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpen(t *testing.T) {
	b := testBox(t)
	for _, s := range []string{"13812345678", "110101199003071234", "", "张三"} {
		c := b.Seal(s)
		if s != "" && (c == s || strings.Contains(c, s)) {
			t.Fatalf("ciphertext shows plain text: %q", c)
		}
		got, err := b.Open(c)
		if err != nil || got != s {
			t.Fatalf("Open(Seal(%q)) = %q, %v", s, got, err)
		}
	}
	if b.Seal("13812345678") == b.Seal("13812345678") {
		t.Fatal("two seals of one value must differ (random nonce)")
	}
}

func TestWrongKeyAndTamper(t *testing.T) {
	a, b := testBox(t), testBox(t)
	c := a.Seal("13812345678")
	if _, err := b.Open(c); err == nil {
		t.Fatal("opened with another key")
	}
	if _, err := a.Open(c[:len(c)-2] + "AA"); err == nil {
		t.Fatal("opened tampered ciphertext")
	}
	if _, err := a.Open("13812345678"); err == nil {
		t.Fatal("opened plain text")
	}
}

func TestHash(t *testing.T) {
	a, b := testBox(t), testBox(t)
	if a.Hash("13812345678") != a.Hash("13812345678") {
		t.Fatal("hash not stable")
	}
	if a.Hash("13812345678") == a.Hash("13812345679") {
		t.Fatal("different values hash alike")
	}
	if a.Hash("13812345678") == b.Hash("13812345678") {
		t.Fatal("hash does not depend on the key")
	}
	if a.Hash("") != "" {
		t.Fatal("empty value must hash to empty")
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ got, want string }{
		{MaskPhone("13812345678"), "138****5678"},
		{MaskID("110101199003071234"), "1101**********1234"},
		{MaskID("11010119900307123X"), "1101**********123X"},
		{MaskPhone("123"), "***"},
		{MaskName("张三丰"), "张**"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestParseKey(t *testing.T) {
	if _, err := ParseKey("not base64!"); err == nil {
		t.Fatal("accepted bad base64")
	}
	if _, err := ParseKey("AAAA"); err == nil {
		t.Fatal("accepted a short key")
	}
}

func TestCheck(t *testing.T) {
	k := NewKey()
	raw, _ := ParseKey(k)
	a, _ := New(raw)
	again, _ := New(raw)
	other := testBox(t)
	if a.Check() == "" || !SameCheck(a.Check(), again.Check()) {
		t.Fatal("check value not stable for one key")
	}
	if SameCheck(a.Check(), other.Check()) {
		t.Fatal("two keys share a check value")
	}
	if strings.Contains(a.Check(), strings.TrimRight(k, "=")) || a.Check() == a.Hash("huifang pii key check v1") {
		t.Fatal("check value shows the key or a lookup hash")
	}
}
