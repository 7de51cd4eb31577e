package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/huifang/huifang"
)

// PhoneTailDigits is how many last digits of a policyholder's phone staff
// may search callbacks by. Only a keyed hash of them is stored.
const PhoneTailDigits = 4

// noTail marks a policy whose phone has fewer digits than that: done, never
// matched.
const noTail = "-"

// phoneTailChunk is how many policies FillPhoneTails hashes per transaction.
const phoneTailChunk = 500

// PhoneTailHash is the keyed hash of the last PhoneTailDigits digits of a
// phone number (of a search, or a policyholder's), "" when it has fewer.
func (s *Service) PhoneTailHash(phone string) string {
	var digits []byte
	for i := 0; i < len(phone); i++ {
		if c := phone[i]; c >= '0' && c <= '9' {
			digits = append(digits, c)
		}
	}
	if len(digits) < PhoneTailDigits {
		return ""
	}
	return s.Box.Hash("phone-tail:" + string(digits[len(digits)-PhoneTailDigits:]))
}

// phoneTail is the tail hash stored for a policyholder's phone: noTail
// when it has too few digits.
func (s *Service) phoneTail(phone string) string {
	if h := s.PhoneTailHash(phone); h != "" {
		return h
	}
	return noTail
}

// FillPhoneTails hashes the last digits of the phones of the policies that
// have no such hash yet: imported before it existed, or written by a path
// that does not compute it (an import computes it in the row it writes). The
// import and a background job run it; the
// plain digits exist only in memory here. It stops during a key rotation
// (the rotation clears the hashes it makes stale; the next run after it
// fills them under the new key) and returns how many policies it hashed.
func (s *Service) FillPhoneTails(ctx context.Context) (int, error) {
	st, err := s.db.KeyState(ctx)
	if err != nil {
		return 0, err
	}
	if st.Rotation != nil {
		return 0, nil
	}
	n := 0
	for {
		ts, err := s.db.PhoneTailsToFill(ctx, phoneTailChunk)
		if err != nil || len(ts) == 0 {
			return n, err
		}
		for i := range ts {
			phone, err := s.Box.Open(ts[i].PhoneEnc)
			if err != nil {
				return n, fmt.Errorf("phone of policy %s: %w", ts[i].PolicyNo, err)
			}
			ts[i].TailHash = s.phoneTail(phone)
		}
		if err := s.db.SetPhoneTails(ctx, ts); err != nil {
			return n, err
		}
		n += len(ts)
		if len(ts) < phoneTailChunk {
			return n, nil
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
	}
}

// fillTailsAfterImport makes the numbers an import brought searchable by
// their last digits at once; should it fail, the background job catches up.
func (s *Service) fillTailsAfterImport(ctx context.Context, org *huifang.Org) {
	if _, err := s.FillPhoneTails(ctx); err != nil {
		s.Log.Warn("phone tails after import", "org", org.Code, "err", err)
	}
}

// searchTail is the phone-tail hash to search by when a search is the last
// digits of a phone (only digits, PhoneTailDigits to 6 of them; the last
// PhoneTailDigits count), else "".
func (s *Service) searchTail(q string) string {
	if len(q) < PhoneTailDigits || len(q) > 6 || strings.Trim(q, "0123456789") != "" {
		return ""
	}
	return s.PhoneTailHash(q)
}
