// Command huifang is the insurance customer callback system: one binary with
// subcommands. Run `huifang help` for the list.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/huifang/huifang/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := cpuProfile(os.Getenv("HUIFANG_CPU_PROFILE"), os.Args[1:])
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(code)
}

// cpuProfile starts a CPU profile of the whole run in PREFIX.COMMAND.PID.prof
// when HUIFANG_CPU_PROFILE names a prefix, so that a command and the commands
// it starts (bench's server and imports) each write their own.
func cpuProfile(prefix string, args []string) (stop func()) {
	if prefix == "" {
		return func() {}
	}
	command := "help"
	if len(args) > 0 {
		command = strings.ReplaceAll(args[0], "/", "_")
	}
	f, err := os.Create(fmt.Sprintf("%s.%s.%d.prof", prefix, command, os.Getpid()))
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "huifang: HUIFANG_CPU_PROFILE:", err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
