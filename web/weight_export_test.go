package web

import "github.com/huifang/huifang/httpx"

// Weights is the weight table, for the tests of package web_test.
func Weights() map[string]httpx.Weight { return weights }
