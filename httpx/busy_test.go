package httpx

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/huifang/huifang"
)

// A busy database, as the store reports it, answers 503 with Retry-After
// and "请稍后重试", never a bare 500.
func TestBusyAnswers503(t *testing.T) {
	err := fmt.Errorf("claim: %w", fmt.Errorf("%w: database is locked (5) (SQLITE_BUSY)", huifang.ErrUnavailable))
	if s := Status(err); s != http.StatusServiceUnavailable {
		t.Fatalf("status %d", s)
	}
	w := httptest.NewRecorder()
	Error(w, httptest.NewRequest("GET", "/api/v1/work/next", nil), slog.New(slog.DiscardHandler), err)
	var body ErrorBody
	json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(body.Error, "请稍后重试") || body.Code != huifang.EUNAVAILABLE {
		t.Fatalf("%d %q %+v", w.Code, w.Header().Get("Retry-After"), body)
	}
}
