package app

import "encoding/json"

// jsonDetail renders an audit detail.
func jsonDetail(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
