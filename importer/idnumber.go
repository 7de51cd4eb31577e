package importer

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/huifang/huifang"
)

// The resident identity number (居民身份证号码, GB 11643-1999): six digits of
// area, eight of birth date, three of sequence (odd for men), and a check
// character computed from the first seventeen.

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// idCheck computes the check character of the first 17 digits.
func idCheck(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// idProvinces are the first two digits in use: provinces, and 81/82/83 and
// 91 for the residence permits of Hong Kong, Macao and Taiwan residents and
// the foreigners' permanent residence card, which follow the same standard.
var idProvinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true, "91": true,
}

// ParseIDNumber checks an 18-character identity number (a lower-case x is
// accepted) and returns it with an upper-case X, and the birth date it holds.
func ParseIDNumber(s string) (id string, birth huifang.Date, err error) {
	id = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	switch {
	case id == "":
		return "", huifang.Date{}, reason("err.import.row.id_empty")
	case len(id) == 15 && allDigits(id):
		return "", huifang.Date{}, reason("err.import.row.id_old")
	case len(id) != 18:
		return "", huifang.Date{}, reason("err.import.row.id_length", len([]rune(id)))
	case !allDigits(id[:17]) || !(allDigits(id[17:]) || id[17] == 'X'):
		return "", huifang.Date{}, reason("err.import.row.id_digits")
	case !idProvinces[id[:2]]:
		return "", huifang.Date{}, reason("err.import.row.id_region")
	}
	y, _ := strconv.Atoi(id[6:10])
	m, _ := strconv.Atoi(id[10:12])
	d, _ := strconv.Atoi(id[12:14])
	if y < 1800 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return "", huifang.Date{}, reason("err.import.row.id_birth")
	}
	birth = huifang.NewDate(y, time.Month(m), d)
	if idCheck(id) != id[17] {
		key := "err.import.row.id_check"
		if strings.HasSuffix(id, "000") {
			key = "err.import.row.id_check_excel"
		}
		return "", huifang.Date{}, reason(key)
	}
	return id, birth, nil
}

// ValidIDNumber makes a well-formed identity number for tests and demo data:
// areaCode is six digits (such as "110101"), seq the three-digit sequence
// (odd for a man, even for a woman; taken modulo 1000). It panics on an area
// code that is not six digits.
func ValidIDNumber(areaCode string, birth huifang.Date, seq int) string {
	if len(areaCode) != 6 || !allDigits(areaCode) {
		panic(fmt.Sprintf("importer.ValidIDNumber: area code %q is not six digits", areaCode))
	}
	seq %= 1000
	if seq < 0 {
		seq += 1000
	}
	body := fmt.Sprintf("%s%04d%02d%02d%03d", areaCode, birth.Year(), int(birth.Month()), birth.Day(), seq)
	return body + string(idCheck(body))
}
