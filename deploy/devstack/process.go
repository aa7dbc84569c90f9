package devstack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is one running child with its log file.
type process struct {
	name string
	comp component
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	err  error
}

func (p *process) pid() int {
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// buildWeb installs the web app's packages when missing and builds it (next build is offline
// and takes seconds once node_modules exists).
func (s *Stack) buildWeb(ctx context.Context, c component) error {
	dir := filepath.Join(s.opts.Root, c.Package)
	steps := [][]string{{"npm", "run", "build"}}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".bin", "next")); err != nil {
		steps = append([][]string{{"npm", "ci", "--no-audit", "--no-fund"}}, steps...)
	}
	for _, step := range steps {
		start := time.Now()
		cmd := exec.CommandContext(ctx, step[0], step[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "NEXT_TELEMETRY_DISABLED=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("web: %s: %w\n%s", strings.Join(step, " "), err, tailString(string(out), 40))
		}
		s.log.Info("web", "step", strings.Join(step, " "), "took", time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func tailString(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// build compiles every selected component in one `go build` call, so the toolchain shares and
// parallelises the work; each binary is named after its package folder.
func (s *Stack) build(ctx context.Context, comps []component) error {
	start := time.Now()
	args := []string{"build", "-o", s.path("bin") + string(filepath.Separator)}
	for _, c := range comps {
		if c.Web {
			if err := s.buildWeb(ctx, c); err != nil {
				return err
			}
			continue
		}
		if filepath.Base(c.Package) != c.Name {
			return fmt.Errorf("devstack: package %s must live in a folder named %s", c.Package, c.Name)
		}
		args = append(args, c.Package)
	}
	if len(args) == 3 {
		return nil // only the web app was selected
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = s.opts.Root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build: %w\n%s", err, msg)
	}
	s.log.Info("built", "components", len(comps), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func (s *Stack) launch(ctx context.Context, c component) error {
	return s.launchAs(ctx, c, c.Name, nil)
}

// LaunchExtra starts one more process of component under the name instance (its log is
// logs/<instance>.log), e.g. a workers-only replica with RUN_PARTS=workers. It does not wait
// for health: a process that runs no API serves no HTTP. Stop, Kill and Restart take the
// instance name.
func (s *Stack) LaunchExtra(ctx context.Context, component, instance string, env map[string]string) error {
	c, err := componentNamed(component)
	if err != nil {
		return err
	}
	if instance == component {
		return fmt.Errorf("devstack: extra instance needs a name other than %q", component)
	}
	s.mu.Lock()
	if _, ok := s.ports[instance]; !ok {
		taken := map[int]bool{}
		for _, p := range s.ports {
			taken[p] = true
		}
		ports, err := freePorts(1, taken)
		if err != nil {
			s.mu.Unlock()
			return err
		}
		s.ports[instance] = ports[0]
	}
	s.extraEnv[instance] = env
	s.extraOf[instance] = component
	s.mu.Unlock()
	return s.launchAs(ctx, c, instance, env)
}

func (s *Stack) launchAs(_ context.Context, c component, instance string, extra map[string]string) error {
	logFile, err := os.OpenFile(s.LogFile(instance), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open log of %s: %w", instance, err)
	}
	cmd := exec.Command(filepath.Join(s.path("bin"), c.Name))
	cmd.Dir = s.opts.Dir
	if c.Web {
		cmd = exec.Command(filepath.Join(s.opts.Root, c.Package, "node_modules", ".bin", "next"), "start", "-H", "127.0.0.1", "-p", strconv.Itoa(s.port(instance)))
		cmd.Dir = filepath.Join(s.opts.Root, c.Package)
	}
	cmd.Env = s.env(c, instance, extra)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// Own process group, so Stop reaches grandchildren; and die with us if we are killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("start %s: %w", instance, err)
	}
	p := &process{name: instance, comp: c, cmd: cmd, log: logFile, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	s.mu.Lock()
	s.procs[instance] = p
	if !containsName(s.order, instance) {
		s.order = append(s.order, instance)
	}
	s.mu.Unlock()
	s.log.Info("started", "component", instance, "pid", p.pid(), "url", s.URL(instance))
	return nil
}

func containsName(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// waitHealthy polls the component's health route until it answers 200, the process exits,
// or the deadline passes.
func (s *Stack) waitHealthy(ctx context.Context, c component, timeout time.Duration) error {
	s.mu.Lock()
	p := s.procs[c.Name]
	s.mu.Unlock()
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: 2 * time.Second}
	url := s.URL(c.Name) + c.Health
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last string
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited during start-up (%v); last lines of %s:\n%s", c.Name, p.err, s.LogFile(c.Name), tail(s.LogFile(c.Name), 15))
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not healthy after %s at %s (last: %s); last lines of its log:\n%s", c.Name, timeout, url, last, tail(s.LogFile(c.Name), 15))
		}
	}
}

// WaitHealthy waits for one running component's health check.
func (s *Stack) WaitHealthy(ctx context.Context, name string, timeout time.Duration) error {
	c, err := componentNamed(name)
	if err != nil {
		return err
	}
	return s.waitHealthy(ctx, c, timeout)
}

func componentNamed(name string) (component, error) {
	for _, c := range components {
		if c.Name == name {
			return c, nil
		}
	}
	return component{}, fmt.Errorf("devstack: no component %q", name)
}

// Kill sends SIGKILL to a component (fault injection) and waits for it to exit.
func (s *Stack) Kill(name string) error {
	s.mu.Lock()
	p := s.procs[name]
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("devstack: %s is not running", name)
	}
	_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
	<-p.done
	return nil
}

// Restart starts a stopped or killed component again on the same port and waits for it.
func (s *Stack) Restart(ctx context.Context, name string) error {
	s.mu.Lock()
	p := s.procs[name]
	base, isExtra := s.extraOf[name]
	extra := s.extraEnv[name]
	s.mu.Unlock()
	if isExtra {
		if p != nil && !p.exited() {
			return fmt.Errorf("devstack: %s is still running", name)
		}
		c, err := componentNamed(base)
		if err != nil {
			return err
		}
		return s.launchAs(ctx, c, name, extra)
	}
	c, err := componentNamed(name)
	if err != nil {
		return err
	}
	if p != nil {
		select {
		case <-p.done:
		default:
			return fmt.Errorf("devstack: %s is still running", name)
		}
	}
	if err := s.launch(ctx, c); err != nil {
		return err
	}
	return s.waitHealthy(ctx, c, 90*time.Second)
}

// Stop terminates every component in reverse start order (SIGTERM, then SIGKILL after a grace
// period), stops FerretDB, and returns once nothing it started is left running.
func (s *Stack) Stop(ctx context.Context) error {
	s.mu.Lock()
	order := append([]string(nil), s.order...)
	s.mu.Unlock()
	var errs []error
	for i := len(order) - 1; i >= 0; i-- {
		s.mu.Lock()
		p := s.procs[order[i]]
		s.mu.Unlock()
		if p == nil {
			continue
		}
		if err := p.stop(ctx, 10*time.Second); err != nil {
			errs = append(errs, err)
		}
	}
	if s.ferret != nil {
		s.ferret.Stop()
		s.ferretLog.Close()
	}
	return errors.Join(errs...)
}

func (p *process) stop(ctx context.Context, grace time.Duration) error {
	select {
	case <-p.done:
		return nil
	default:
	}
	pgid := -p.pid()
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-p.done
		return fmt.Errorf("%s ignored SIGTERM for %s and was killed", p.name, grace)
	case <-ctx.Done():
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-p.done
		return ctx.Err()
	}
	// Anything left in the group (a grandchild) goes too.
	_ = syscall.Kill(pgid, syscall.SIGKILL)
	return nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// StopOne stops one component or extra instance gracefully (SIGTERM, then SIGKILL).
func (s *Stack) StopOne(ctx context.Context, name string) error {
	s.mu.Lock()
	p := s.procs[name]
	s.mu.Unlock()
	if p == nil {
		return fmt.Errorf("devstack: %s was never started", name)
	}
	return p.stop(ctx, 10*time.Second)
}

// Running reports whether a component's process is alive.
func (s *Stack) Running(name string) bool {
	s.mu.Lock()
	p := s.procs[name]
	s.mu.Unlock()
	if p == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// PIDs returns the process id of every component started so far.
func (s *Stack) PIDs() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for n, p := range s.procs {
		out[n] = p.pid()
	}
	return out
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
