package stackrun

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tmfcatalog/platform/deploy/devstack"
)

// Ferret is the read store as a child process (libs/ferret/cmd/ferretd) on a fixed port, so a fault can
// kill it and start it again with the same data.
type Ferret struct {
	bin, dir, addr, logPath string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	uri  string
}

// buildFerret compiles libs/ferret/cmd/ferretd (without the race detector) into binDir.
func buildFerret(ctx context.Context, binDir string) (string, error) {
	root, err := devstack.FindRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(binDir, "ferretd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/tmfcatalog/platform/libs/ferret/cmd/ferretd")
	cmd.Dir = filepath.Join(root, "tests", "reliability")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build ferretd: %w\n%s", err, out)
	}
	return bin, nil
}

// startFerret builds and starts ferretd with its data and log under dir.
func startFerret(ctx context.Context, dir string) (*Ferret, error) {
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return nil, err
	}
	bin, err := buildFerret(ctx, filepath.Join(dir, "bin"))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	f := &Ferret{bin: bin, dir: filepath.Join(dir, "data", "ferretdb"), addr: addr, logPath: filepath.Join(dir, "logs", "ferretdb.log")}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return nil, err
	}
	return f, f.Start(ctx)
}

// URI is the mongodb:// address of the server.
func (f *Ferret) URI() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.uri
}

// Start launches the process and waits until it accepts connections.
func (f *Ferret) Start(ctx context.Context) error {
	logFile, err := os.OpenFile(f.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(f.bin, "-dir", f.dir, "-addr", f.addr)
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start ferretd: %w", err)
	}
	done := make(chan struct{})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if uri, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- uri
			}
		}
	}()
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(done)
	}()
	f.mu.Lock()
	f.cmd, f.done = cmd, done
	f.mu.Unlock()
	t := time.NewTimer(2 * time.Minute)
	defer t.Stop()
	select {
	case uri := <-ready:
		f.mu.Lock()
		f.uri = uri
		f.mu.Unlock()
		return nil
	case <-done:
		return errors.New("ferretd exited during start-up; see " + f.logPath)
	case <-t.C:
		return errors.New("ferretd not ready after 2m")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Kill sends SIGKILL and waits for the process to end.
func (f *Ferret) Kill() {
	f.mu.Lock()
	cmd, done := f.cmd, f.done
	f.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
}

// Stop ends the process gracefully (SIGTERM, SIGKILL after 10 s).
func (f *Ferret) Stop() {
	f.mu.Lock()
	cmd, done := f.cmd, f.done
	f.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		f.Kill()
	}
}
