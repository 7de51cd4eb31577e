package demo

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/huifang/huifang"
	"github.com/huifang/huifang/app"
)

// recordingsPerCompany is how many finished phone callbacks of each
// company get a recording.
const recordingsPerCompany = 6

// recordings gives recent finished phone callbacks of each company a call
// recording through the real use case (app.AddRecording, as a call system
// posts it), so that QA staff and the regulator's spot check have sound to
// play: a few seconds of generated audio, not speech. Without recording
// storage (svc.Blobs) the demo has none.
func (w *world) recordings(ctx context.Context, svc *app.Service, users map[string]map[huifang.Role][]*huifang.User, now time.Time) error {
	if svc.Blobs == nil {
		return nil
	}
	today := huifang.DateOf(now)
	for i, ins := range w.insurers {
		ops := users[ins.spec.code][huifang.RoleOperator]
		if len(ops) == 0 {
			continue
		}
		org, err := w.db.FindOrgByCode(ctx, ins.spec.code)
		if err != nil {
			return err
		}
		// The latest finished phone callbacks, successful and with problems,
		// due in the last six weeks.
		var picked []*huifang.CallbackRow
		f := huifang.CallbackFilter{DueFrom: today.AddDays(-42), DueTo: today}
		err = w.db.ForEachCallback(ctx, org.ID, f, func(r *huifang.CallbackRow) error {
			if r.Method == huifang.MethodPhone && (r.Result == huifang.ResultSuccessful || r.Result == huifang.ResultProblems) &&
				len(picked) < recordingsPerCompany {
				c := *r
				picked = append(picked, &c)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for j, c := range picked {
			op := ops[j%len(ops)]
			var attempt int64
			atts, err := w.db.ListAttempts(ctx, org.ID, c.ID)
			if err != nil {
				return err
			}
			if n := len(atts); n > 0 {
				attempt = atts[n-1].ID
			}
			at := c.FinishedAt.Add(2 * time.Minute)
			if c.FinishedAt.IsZero() || at.After(now) {
				at = now
			}
			wav := demoWAV(w.seed+uint64(i*100+j), 3+j%3)
			if _, err := svc.WithClock(fixedClock(at)).AddRecording(ctx, op, c.ID, attempt, bytes.NewReader(wav), "api"); err != nil {
				return fmt.Errorf("recording of callback %d: %w", c.ID, err)
			}
		}
	}
	return nil
}

// demoWAV is a short valid WAV file (8 kHz, mono, 16-bit PCM) of about
// seconds: a ring-back tone, then a murmur of shaped noise and tones that
// stands in for two voices. The same seed gives the same bytes.
func demoWAV(seed uint64, seconds int) []byte {
	const rate = 8000
	r := rand.New(rand.NewPCG(seed, 0x7761766465))
	n := rate * seconds
	samples := make([]int16, n)
	ring := rate * 3 / 4
	var lp float64
	for i := range samples {
		t := float64(i) / rate
		var v float64
		if i < ring {
			// Chinese ring-back tone: 450 Hz.
			v = 0.35 * math.Sin(2*math.Pi*450*t)
		} else {
			// A voice-like murmur: low-passed noise under a syllable
			// envelope, with a gliding pitch.
			lp += 0.15 * (r.Float64()*2 - 1 - lp)
			pitch := 140 + 40*math.Sin(2*math.Pi*0.7*t)
			if (int(t*1.5))%2 == 1 {
				pitch *= 1.6 // the other speaker
			}
			env := 0.5 + 0.5*math.Sin(2*math.Pi*4*t)
			v = env * (0.25*math.Sin(2*math.Pi*pitch*t) + 0.35*lp)
		}
		samples[i] = int16(math.Max(-1, math.Min(1, v)) * 32000)
	}
	var b bytes.Buffer
	dataLen := uint32(2 * n)
	b.WriteString("RIFF")
	_ = binary.Write(&b, binary.LittleEndian, 36+dataLen)
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		_ = binary.Write(&b, binary.LittleEndian, v) // PCM, mono, 8 kHz, 16-bit
	}
	b.WriteString("data")
	_ = binary.Write(&b, binary.LittleEndian, dataLen)
	_ = binary.Write(&b, binary.LittleEndian, samples)
	return b.Bytes()
}
