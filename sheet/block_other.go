//go:build !unix

package sheet

// allocBlock allocates a block of sstBlock bytes (see block_unix.go).
func allocBlock() ([]byte, error) { return make([]byte, sstBlock), nil }

func freeBlock([]byte) {}
