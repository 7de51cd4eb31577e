package api

import "github.com/huifang/huifang/httpx"

// Weights is the weight table, for the tests of package api_test.
func Weights() map[string]httpx.Weight { return weights }
