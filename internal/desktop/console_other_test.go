//go:build !windows

package desktop

import (
	"os"
	"testing"
)

func TestAttachConsoleKeepsTheStreams(t *testing.T) {
	in, out, errs := os.Stdin, os.Stdout, os.Stderr
	AttachConsole()
	if os.Stdin != in || os.Stdout != out || os.Stderr != errs {
		t.Error("AttachConsole changed the standard streams outside Windows")
	}
}
