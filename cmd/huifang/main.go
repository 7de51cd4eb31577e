// Command huifang is the insurance customer callback system: one binary with
// subcommands. Run `huifang help` for the list.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/huifang/huifang/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
