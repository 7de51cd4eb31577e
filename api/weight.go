package api

import "github.com/huifang/huifang/httpx"

// weights classes every API route as Light or Heavy. Heavy routes (lists
// with filters, statistics, exports, downloads, draws, inspection packages)
// run under the server's heavy-request limiter; light ones (an operator's
// next, attempt, finish, release, take; single records) never wait behind
// them. TestEveryAPIRouteWeighed keeps the table whole.
var weights = map[string]httpx.Weight{
	"GET /api/v1/me":                                    httpx.Light,
	"POST /api/v1/callbacks/next":                       httpx.Light,
	"GET /api/v1/desk":                                  httpx.Light,
	"GET /api/v1/callbacks":                             httpx.Heavy,
	"GET /api/v1/callbacks/{id}":                        httpx.Light,
	"POST /api/v1/callbacks/{id}/attempts":              httpx.Light,
	"POST /api/v1/callbacks/{id}/finish":                httpx.Light,
	"POST /api/v1/callbacks/{id}/release":               httpx.Light,
	"POST /api/v1/callbacks/{id}/take":                  httpx.Light,
	"POST /api/v1/callbacks/{id}/electronic":            httpx.Light,
	"POST /api/v1/policies/{no}/reveal-phone":           httpx.Light,
	"POST /api/v1/import/{kind}":                        httpx.Heavy,
	"GET /api/v1/export/callbacks":                      httpx.Heavy,
	"GET /api/v1/stats":                                 httpx.Heavy,
	"GET /api/v1/agents":                                httpx.Heavy,
	"GET /api/v1/agents/{code}":                         httpx.Heavy,
	"POST /api/v1/agents/{code}/leave":                  httpx.Light,
	"POST /api/v1/agents/{code}/complete":               httpx.Light,
	"GET /api/v1/disclosures/{period}/preview":          httpx.Heavy,
	"POST /api/v1/disclosures":                          httpx.Heavy,
	"POST /api/v1/disclosures/{period}/errata":          httpx.Heavy,
	"GET /api/v1/inspection/{file}":                     httpx.Heavy,
	"POST /api/v1/callbacks/{id}/letter":                httpx.Light,
	"GET /api/v1/callbacks/{id}/receipt":                httpx.Light,
	"GET /api/v1/misconduct":                            httpx.Heavy,
	"GET /api/v1/misconduct/search":                     httpx.Heavy,
	"GET /api/v1/misconduct/{id}":                       httpx.Light,
	"POST /api/v1/misconduct/{id}/{verb}":               httpx.Light,
	"GET /api/v1/problem-cases":                         httpx.Heavy,
	"POST /api/v1/problem-cases":                        httpx.Light,
	"GET /api/v1/problem-cases/{id}":                    httpx.Light,
	"POST /api/v1/problem-cases/{id}/{verb}":            httpx.Light,
	"POST /api/v1/problem-cases/bulk":                   httpx.Heavy,
	"GET /api/v1/evidence/{id}":                         httpx.Heavy,
	"GET /api/v1/profile":                               httpx.Light,
	"POST /api/v1/profile":                              httpx.Light,
	"GET /api/v1/calendar/{year}":                       httpx.Light,
	"POST /api/v1/calendar":                             httpx.Light,
	"GET /api/v1/notifications":                         httpx.Light,
	"POST /api/v1/notifications/read":                   httpx.Light,
	"POST /api/v1/notifications/{id}/read":              httpx.Light,
	"GET /api/v1/qa":                                    httpx.Heavy,
	"POST /api/v1/qa/draw":                              httpx.Heavy,
	"GET /api/v1/qa/mine":                               httpx.Light,
	"GET /api/v1/qa/figures":                            httpx.Heavy,
	"GET /api/v1/qa/{id}":                               httpx.Light,
	"POST /api/v1/qa/{id}/evaluate":                     httpx.Light,
	"POST /api/v1/qa/{id}/appeal":                       httpx.Light,
	"POST /api/v1/qa/{id}/decide":                       httpx.Light,
	"POST /api/v1/qa/{id}/calibrate":                    httpx.Light,
	"POST /api/v1/callbacks/{id}/recordings":            httpx.Light,
	"GET /api/v1/callbacks/{id}/recordings":             httpx.Light,
	"GET /api/v1/recordings/{id}":                       httpx.Heavy,
	"GET /api/v1/rectifications":                        httpx.Heavy,
	"POST /api/v1/rectifications":                       httpx.Light,
	"GET /api/v1/rectifications/{id}":                   httpx.Light,
	"POST /api/v1/rectifications/{id}/{verb}":           httpx.Light,
	"GET /api/v1/risks":                                 httpx.Heavy,
	"POST /api/v1/callbacks/{id}/false-phone":           httpx.Light,
	"GET /api/v1/scripts":                               httpx.Light,
	"POST /api/v1/scripts":                              httpx.Heavy,
	"POST /api/v1/scripts/{id}/{verb}":                  httpx.Light,
	"PUT /api/v1/scripts/{id}":                          httpx.Light,
	"POST /api/v1/scripts/check":                        httpx.Light,
	"GET /api/v1/scripts/{id}/diff":                     httpx.Light,
	"GET /api/v1/spotchecks":                            httpx.Heavy,
	"POST /api/v1/spotchecks":                           httpx.Heavy,
	"GET /api/v1/spotchecks/{id}":                       httpx.Heavy,
	"GET /api/v1/spotchecks/{id}/export":                httpx.Heavy,
	"POST /api/v1/spotchecks/{id}/assign":               httpx.Light,
	"GET /api/v1/spotchecks/{id}/items/{item}":          httpx.Light,
	"POST /api/v1/spotchecks/{id}/items/{item}/verdict": httpx.Light,
	"GET /api/v1/submissions":                           httpx.Light,
	"POST /api/v1/submissions":                          httpx.Heavy,
	"POST /api/v1/submissions/upload":                   httpx.Heavy,
	"GET /api/v1/submissions/status":                    httpx.Heavy,
	"GET /api/v1/submissions/{id}":                      httpx.Light,
	"POST /api/v1/submissions/{id}/{verb}":              httpx.Light,
	"GET /api/v1/supervisors":                           httpx.Light,
	"PUT /api/v1/supervisors/{login}/companies":         httpx.Light,
	"GET /api/v1/companies":                             httpx.Light,
}

// weightOf is a route pattern's weight; a route missing from the table
// counts as heavy.
func weightOf(pattern string) httpx.Weight {
	if w, ok := weights[pattern]; ok {
		return w
	}
	return httpx.Heavy
}
