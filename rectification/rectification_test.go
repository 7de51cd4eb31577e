package rectification

import (
	"testing"
	"time"

	"github.com/huifang/huifang"
)

func TestCheck(t *testing.T) {
	today := huifang.NewDate(2026, 3, 5)
	for _, tc := range []struct {
		d      Draft
		fields []string
	}{
		{Draft{Subject: " 整改 ", Body: "要求", DueOn: today.AddDays(1)}, nil},
		{Draft{}, []string{"subject", "body", "due"}},
		{Draft{Subject: "s", Body: "b", DueOn: today}, []string{"due"}},
		{Draft{Subject: string(make([]rune, MaxSubject+1)), Body: "b", DueOn: today.AddDays(3)}, []string{"subject"}},
	} {
		err := Check(&tc.d, today)
		var got []string
		if e, ok := err.(*huifang.Error); ok {
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tc.fields) {
			t.Fatalf("%+v: fields %v, want %v", tc.d, got, tc.fields)
		}
		for i := range got {
			if got[i] != tc.fields[i] {
				t.Fatalf("%+v: fields %v, want %v", tc.d, got, tc.fields)
			}
		}
	}
}

func TestSteps(t *testing.T) {
	now := time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)
	r := &huifang.Rectification{ID: 1, Status: huifang.RectificationOpen}
	if _, err := Close(r, "", "sup", now); huifang.ErrorCode(err) != huifang.ECONFLICT {
		t.Fatalf("close an open notice: %v", err)
	}
	if _, err := Return(r, "再答", "sup", now); huifang.ErrorCode(err) != huifang.ECONFLICT {
		t.Fatalf("return an open notice: %v", err)
	}
	if _, err := Answer(r, "  ", "adm", now); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Fatalf("empty answer: %v", err)
	}
	if e, err := Answer(r, "已整改", "adm", now); err != nil || r.Status != huifang.RectificationAnswered || e.Kind != huifang.RectificationAnswer || r.AnsweredBy != "adm" {
		t.Fatalf("answer: %+v %+v %v", r, e, err)
	}
	if _, err := Answer(r, "again", "adm", now); huifang.ErrorCode(err) != huifang.ECONFLICT {
		t.Fatalf("answer twice: %v", err)
	}
	if _, err := Return(r, "", "sup", now); huifang.ErrorCode(err) != huifang.EINVALID {
		t.Fatalf("return without a comment: %v", err)
	}
	if _, err := Return(r, "材料不全", "sup", now); err != nil || r.Status != huifang.RectificationOpen || r.Returns != 1 || r.Comment != "材料不全" {
		t.Fatalf("return: %+v %v", r, err)
	}
	Answer(r, "补充", "adm", now)
	if _, err := Close(r, "", "sup", now); err != nil || r.Status != huifang.RectificationClosed || r.ClosedBy != "sup" {
		t.Fatalf("close: %+v %v", r, err)
	}
	if _, err := Return(r, "x", "sup", now); huifang.ErrorCode(err) != huifang.ECONFLICT {
		t.Fatalf("return a closed notice: %v", err)
	}
}
