package validate

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	Cmd  string // upper case: FROM, RUN, ...
	Args string
	Line int
}

type stage struct {
	From  string
	Instr []instruction
}

func parseDockerfile(t testing.TB, rel string) []stage {
	t.Helper()
	var stages []stage
	var cur strings.Builder
	start := 0
	flush := func() {
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" {
			return
		}
		cmd, args, _ := strings.Cut(text, " ")
		in := instruction{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args), Line: start}
		if in.Cmd == "FROM" {
			stages = append(stages, stage{From: strings.Fields(in.Args)[0]})
			return
		}
		if len(stages) == 0 {
			if in.Cmd != "ARG" {
				t.Fatalf("%s:%d: %s before the first FROM", rel, in.Line, in.Cmd)
			}
			return
		}
		stages[len(stages)-1].Instr = append(stages[len(stages)-1].Instr, in)
	}
	for i, line := range strings.Split(string(readRepoFile(t, rel)), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush()
	}
	flush()
	return stages
}

func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.Instr {
		if in.Cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// envOf returns the ENV assignments of a stage (KEY=VALUE pairs or the legacy "KEY VALUE").
func (s stage) envOf(t testing.TB) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, in := range s.all("ENV") {
		words := shellWords(t, in.Args)
		if len(words) >= 2 && !strings.Contains(words[0], "=") {
			env[words[0]] = strings.Join(words[1:], " ")
			continue
		}
		for _, w := range words {
			k, v, _ := strings.Cut(w, "=")
			env[k] = v
		}
	}
	return env
}

// shellWords splits a command line like sh would for the quoting we use (no expansions).
func shellWords(t testing.TB, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for i := 0; i < len(s); i++ {
		c := rune(s[i])
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' && i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			} else {
				cur.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	if quote != 0 {
		t.Fatalf("unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// goBuildCommand extracts the `go build ...` command of a RUN instruction (its --mount flags
// and any commands chained with && or ; around it dropped), or nil.
func goBuildCommand(t testing.TB, run string) []string {
	t.Helper()
	words := shellWords(t, run)
	for len(words) > 0 && strings.HasPrefix(words[0], "--") {
		words = words[1:]
	}
	var segment []string
	for _, w := range append(words, "&&") {
		if w == "&&" || w == ";" || w == "||" {
			if len(segment) >= 2 && segment[0] == "go" && segment[1] == "build" {
				return segment
			}
			segment = nil
			continue
		}
		segment = append(segment, w)
	}
	return nil
}

// goDockerfile is a Go component's Dockerfile and what the tests need from it.
type goDockerfile struct {
	Component string // gateway, ..., engine
	Path      string // services/gateway/Dockerfile
	Package   string // ./services/gateway
	Stages    []stage
	Build     []string // the go build command
	BuildEnv  map[string]string
}

// goDockerfiles lists the Dockerfile of every service under services/ and of the engine.
func goDockerfiles(t testing.TB) []goDockerfile {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(repoRoot(t), "services"))
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{"engine"}
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, "services/"+e.Name())
		}
	}
	var out []goDockerfile
	for _, dir := range dirs {
		rel := dir + "/Dockerfile"
		if !exists(t, rel) {
			t.Errorf("%s has no Dockerfile", dir)
			continue
		}
		d := goDockerfile{Component: path.Base(dir), Path: rel, Package: "./" + dir, Stages: parseDockerfile(t, rel)}
		var builds []instruction
		for i, s := range d.Stages {
			for _, in := range s.all("RUN") {
				if cmd := goBuildCommand(t, in.Args); cmd != nil {
					builds = append(builds, in)
					d.Build = cmd
					d.BuildEnv = s.envOf(t)
					if i == len(d.Stages)-1 {
						t.Errorf("%s:%d: go build runs in the final stage; build in a separate stage", rel, in.Line)
					}
				}
			}
		}
		if len(builds) != 1 {
			t.Errorf("%s: want exactly one RUN with go build, found %d", rel, len(builds))
			continue
		}
		out = append(out, d)
	}
	return out
}

// outputOf returns the index of the -o value in a go build command.
func outputIndex(cmd []string) int {
	for i, w := range cmd {
		if w == "-o" && i+1 < len(cmd) {
			return i + 1
		}
	}
	return -1
}

func TestEveryGoDockerfileIsMultiStageStaticAndNonRoot(t *testing.T) {
	for _, d := range goDockerfiles(t) {
		t.Run(d.Component, func(t *testing.T) {
			if len(d.Stages) < 2 {
				t.Fatalf("%s: want a build stage and a runtime stage, got %d stage(s)", d.Path, len(d.Stages))
			}
			build, final := d.Stages[0], d.Stages[len(d.Stages)-1]
			if !strings.HasPrefix(build.From, "golang:1.26") {
				t.Errorf("%s: build stage FROM %s, want golang:1.26 (go.work's Go)", d.Path, build.From)
			}
			if d.BuildEnv["CGO_ENABLED"] != "0" {
				t.Errorf("%s: the build stage must set ENV CGO_ENABLED=0 for a static binary", d.Path)
			}
			if !strings.HasPrefix(final.From, "gcr.io/distroless/static") && final.From != "scratch" {
				t.Errorf("%s: runtime FROM %s, want distroless static or scratch", d.Path, final.From)
			}
			users := final.all("USER")
			if len(users) == 0 {
				t.Errorf("%s: the runtime stage sets no USER", d.Path)
			} else if u, _, _ := strings.Cut(users[len(users)-1].Args, ":"); u == "root" || u == "0" {
				t.Errorf("%s: runtime USER %s is root", d.Path, users[len(users)-1].Args)
			}
			if slices.ContainsFunc(final.Instr, func(in instruction) bool { return in.Cmd == "RUN" }) {
				t.Errorf("%s: the runtime stage runs commands (it has no shell)", d.Path)
			}
			eps := final.all("ENTRYPOINT")
			if len(eps) != 1 || !strings.HasPrefix(eps[0].Args, "[") {
				t.Errorf("%s: want one exec-form ENTRYPOINT [...] in the runtime stage", d.Path)
			}
			if pkg := d.Build[len(d.Build)-1]; pkg != d.Package {
				t.Errorf("%s: go build builds %s, want this folder's package %s", d.Path, pkg, d.Package)
			}
			oi := outputIndex(d.Build)
			if oi < 0 {
				t.Fatalf("%s: go build has no -o", d.Path)
			}
			copied := slices.ContainsFunc(final.all("COPY"), func(in instruction) bool {
				return strings.HasPrefix(in.Args, "--from=") && strings.Contains(in.Args, " "+d.Build[oi]+" ")
			})
			if !copied {
				t.Errorf("%s: the runtime stage does not COPY --from the built binary %s", d.Path, d.Build[oi])
			}
			var exposed []int
			for _, in := range final.all("EXPOSE") {
				for _, f := range strings.Fields(in.Args) {
					p, err := strconv.Atoi(strings.TrimSuffix(f, "/tcp"))
					if err != nil {
						t.Fatalf("%s: EXPOSE %s: %v", d.Path, in.Args, err)
					}
					exposed = append(exposed, p)
				}
			}
			slices.Sort(exposed)
			want := slices.Sorted(slices.Values(designPorts[d.Component]))
			if !slices.Equal(exposed, want) {
				t.Errorf("%s: EXPOSE %v, want the DESIGN §2 ports %v", d.Path, exposed, want)
			}
		})
	}
}

func TestTheWebDockerfileBuildsWithNode20AndRunsAsNonRoot(t *testing.T) {
	const rel = "web/Dockerfile"
	stages := parseDockerfile(t, rel)
	if len(stages) < 2 {
		t.Fatalf("%s: want a build stage and a runtime stage", rel)
	}
	if !strings.HasPrefix(stages[0].From, "node:20") {
		t.Errorf("%s: build stage FROM %s, want node:20", rel, stages[0].From)
	}
	built := slices.ContainsFunc(stages[0].all("RUN"), func(in instruction) bool { return strings.Contains(in.Args, "npm run build") })
	if !built {
		t.Errorf("%s: the build stage never runs npm run build", rel)
	}
	final := stages[len(stages)-1]
	users := final.all("USER")
	if len(users) == 0 || users[len(users)-1].Args == "root" || users[len(users)-1].Args == "0" {
		t.Errorf("%s: the runtime stage must switch to a non-root USER", rel)
	}
	cmds := append(final.all("CMD"), final.all("ENTRYPOINT")...)
	if len(cmds) == 0 || !(strings.Contains(cmds[0].Args, "next") && strings.Contains(cmds[0].Args, "start")) &&
		!strings.Contains(cmds[0].Args, "server.js") {
		t.Errorf("%s: the runtime stage must run next start (or the standalone server.js)", rel)
	}
	expose := final.all("EXPOSE")
	if len(expose) != 1 || expose[0].Args != "3000" {
		t.Errorf("%s: want EXPOSE 3000", rel)
	}
	var scripts struct {
		Scripts map[string]string `json:"scripts"`
	}
	if err := json.Unmarshal(readRepoFile(t, "web/package.json"), &scripts); err != nil {
		t.Fatal(err)
	}
	if scripts.Scripts["build"] == "" {
		t.Errorf("web/package.json has no build script for npm run build")
	}
}

// TestEveryGoDockerfileBuildCommandBuilds runs each Dockerfile's go build command from the
// repository root, output redirected into a temporary directory.
func TestEveryGoDockerfileBuildCommandBuilds(t *testing.T) {
	files := goDockerfiles(t)
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	sem := make(chan struct{}, max(1, runtime.NumCPU()))
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	began := time.Now()
	for i, d := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cmd := slices.Clone(d.Build)
			oi := outputIndex(cmd)
			if oi < 0 {
				errs[i] = fmt.Errorf("%s: go build has no -o", d.Path)
				return
			}
			bin := filepath.Join(out, d.Component)
			cmd[oi] = bin
			c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
			c.Dir = repoRoot(t)
			c.Env = os.Environ()
			for k, v := range d.BuildEnv {
				c.Env = append(c.Env, k+"="+v)
			}
			c.Env = append(c.Env, "CGO_ENABLED=0")
			if b, err := c.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("%s: %s: %v\n%s", d.Path, strings.Join(cmd, " "), err, b)
				return
			}
			if st, err := os.Stat(bin); err != nil || st.Size() == 0 {
				errs[i] = fmt.Errorf("%s: go build wrote no binary at %s", d.Path, bin)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	t.Logf("built %d Dockerfile commands in %s", len(files), time.Since(began).Round(time.Millisecond))
}

func TestGoBuildCommandExtractionFindsTheCommandBetweenShellOperators(t *testing.T) {
	cases := []struct {
		name, run, want string
	}{
		{"a plain command", `go build -o /out/x ./services/x`, "go build -o /out/x ./services/x"},
		{"cache mounts dropped and quotes removed", `--mount=type=cache,target=/root/.cache/go-build go build -ldflags="-s -w" -o /out/x ./x`,
			"go build -ldflags=-s -w -o /out/x ./x"},
		{"chained commands dropped", `go mod download && go build -o /o ./y && echo done`, "go build -o /o ./y"},
		{"no go build at all", `apt-get install -y git`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := goBuildCommand(t, c.run)
			if strings.Join(got, " ") != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
