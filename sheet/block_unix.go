//go:build unix

package sheet

import "syscall"

// allocBlock maps a block of sstBlock bytes outside the Go heap: the
// garbage collector lets the heap grow to twice what is live before it
// collects, so a shared-string table of 128 MiB in the heap could cost
// 256 MiB; mapped, it costs its size, and is returned at once by freeBlock.
func allocBlock() ([]byte, error) {
	return syscall.Mmap(-1, 0, sstBlock, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
}

func freeBlock(b []byte) { syscall.Munmap(b) }
