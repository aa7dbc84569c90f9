package validate

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
	Configs  map[string]struct {
		Content string `yaml:"content"`
		File    string `yaml:"file"`
	} `yaml:"configs"`
}

type composeService struct {
	Image       string         `yaml:"image"`
	Build       *composeBuild  `yaml:"build"`
	Environment map[string]any `yaml:"environment"`
	Ports       []string       `yaml:"ports"`
	Expose      []string       `yaml:"expose"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test    any  `yaml:"test"`
		Disable bool `yaml:"disable"`
	} `yaml:"healthcheck"`
	Volumes  []string `yaml:"volumes"`
	Profiles []string `yaml:"profiles"`
	Restart  string   `yaml:"restart"`
	User     string   `yaml:"user"`
	Configs  []struct {
		Source string `yaml:"source"`
		Target string `yaml:"target"`
	} `yaml:"configs"`
}

type composeBuild struct {
	Context    string            `yaml:"context"`
	Dockerfile string            `yaml:"dockerfile"`
	Args       map[string]string `yaml:"args"`
}

func loadCompose(t testing.TB) composeFile {
	t.Helper()
	var c composeFile
	if err := yaml.Unmarshal(readRepoFile(t, "docker-compose.yml"), &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	if len(c.Services) == 0 {
		t.Fatal("docker-compose.yml declares no service")
	}
	return c
}

var interpolation = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}`)

// resolve applies Compose interpolation with an empty shell environment: ${X:-default} and
// ${X-default} give the default. Required variables (${X:?...}) and bare ${X} are reported:
// they would make `make infra-up` fail or start with empty values.
func resolve(t testing.TB, where, s string) string {
	t.Helper()
	return interpolation.ReplaceAllStringFunc(s, func(m string) string {
		g := interpolation.FindStringSubmatch(m)
		switch g[2] {
		case ":-", "-":
			return g[3]
		default:
			t.Errorf("%s: %s has no default; every variable needs ${VAR:-default}", where, m)
			return ""
		}
	})
}

func (s composeService) env(t testing.TB, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range s.Environment {
		out[k] = resolve(t, name+" "+k, fmt.Sprint(v))
	}
	return out
}

// goPackage is the Go package a repo-built compose service runs: the folder of its Dockerfile.
func (s composeService) goPackage() (string, bool) {
	if s.Build == nil || s.Build.Dockerfile == "web/Dockerfile" {
		return "", false
	}
	return "./" + strings.TrimSuffix(s.Build.Dockerfile, "/Dockerfile"), true
}

// publishedPort is one "[ip:]host:container[/proto]" entry.
type publishedPort struct{ Host, Container int }

func parsePort(t testing.TB, where, spec string) publishedPort {
	t.Helper()
	spec = strings.TrimSuffix(spec, "/tcp")
	parts := strings.Split(spec, ":")
	if len(parts) < 2 {
		t.Errorf("%s: port %q publishes no fixed host port", where, spec)
		return publishedPort{}
	}
	host, err1 := strconv.Atoi(parts[len(parts)-2])
	cont, err2 := strconv.Atoi(parts[len(parts)-1])
	if err1 != nil || err2 != nil {
		t.Errorf("%s: port %q is not [ip:]host:container", where, spec)
	}
	return publishedPort{Host: host, Container: cont}
}

func TestComposeServicesBuiltHereAreGivenOnlyVariablesTheirCodeReads(t *testing.T) {
	c := loadCompose(t)
	web := webEnvNames(t)
	built := 0
	for name, s := range c.Services {
		if s.Build == nil {
			continue
		}
		built++
		t.Run(name, func(t *testing.T) {
			known := web
			if pkg, ok := s.goPackage(); ok {
				known = envNames(loadGoSources(t, pkg))
			}
			for k := range s.Environment {
				if !known[k] {
					t.Errorf("%s sets %s, which its code (and the libs it uses) never reads", name, k)
				}
			}
			if s.Build.Dockerfile == "web/Dockerfile" {
				for k := range s.Build.Args {
					if !known[k] {
						t.Errorf("%s passes build arg %s, which the web app never reads", name, k)
					}
				}
			}
		})
	}
	if built < 9 {
		t.Errorf("%d services are built from this repo, want the 7 services, the engine and the web app", built)
	}
}

func TestComposeBuildsEveryComponentFromItsDockerfileWithTheRepoAsContext(t *testing.T) {
	c := loadCompose(t)
	want := []string{"gateway", "identity", "characteristic", "specification", "pricing", "offering", "store-query", "engine", "web"}
	for _, name := range want {
		s, ok := c.Services[name]
		if !ok || s.Build == nil {
			t.Errorf("compose has no service %s built from this repo", name)
			continue
		}
		if s.Build.Context != "." {
			t.Errorf("%s: build context %q, want . (the Go workspace needs every module)", name, s.Build.Context)
		}
		df, ok := dockerfileForImage(t, resolve(t, name, s.Image))
		if !ok || df != s.Build.Dockerfile {
			t.Errorf("%s: image %s maps to Dockerfile %q, but the build uses %q", name, s.Image, df, s.Build.Dockerfile)
		}
	}
	for name, s := range c.Services {
		if s.Build != nil && !exists(t, s.Build.Dockerfile) {
			t.Errorf("%s: Dockerfile %s does not exist", name, s.Build.Dockerfile)
		}
	}
}

func TestComposePublishedPortsAreThoseOfDesign(t *testing.T) {
	c := loadCompose(t)
	// Consoles DESIGN §2 does not list: RabbitMQ management and Operate's UI.
	extra := map[string][]publishedPort{"rabbitmq": {{15672, 15672}}, "operate": {{8081, 8080}}}
	for name, s := range c.Services {
		for _, spec := range s.Ports {
			p := parsePort(t, name, resolve(t, name, spec))
			if slices.Contains(extra[name], p) {
				continue
			}
			if p.Host != p.Container || !slices.Contains(designPorts[name], p.Container) {
				t.Errorf("%s publishes %d:%d; DESIGN §2 gives it %v", name, p.Host, p.Container, designPorts[name])
			}
		}
	}
	for name, ports := range designPorts {
		s, ok := c.Services[name]
		if !ok {
			t.Errorf("DESIGN §2 component %s is missing from compose", name)
			continue
		}
		var reach []int
		for _, spec := range append(slices.Clone(s.Ports), s.Expose...) {
			if strings.Contains(spec, ":") {
				reach = append(reach, parsePort(t, name, spec).Container)
			} else if n, err := strconv.Atoi(spec); err == nil {
				reach = append(reach, n)
			}
		}
		for _, p := range ports {
			if !slices.Contains(reach, p) {
				t.Errorf("%s does not publish or expose its DESIGN port %d", name, p)
			}
		}
	}
}

func TestComposeDependenciesExistAndWaitOnRealConditions(t *testing.T) {
	c := loadCompose(t)
	for name, s := range c.Services {
		for dep, d := range s.DependsOn {
			target, ok := c.Services[dep]
			if !ok {
				t.Errorf("%s depends on %s, which is not a service", name, dep)
				continue
			}
			switch d.Condition {
			case "service_healthy":
				if target.Healthcheck == nil || target.Healthcheck.Disable || target.Healthcheck.Test == nil {
					t.Errorf("%s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
				}
			case "service_completed_successfully":
				if target.Restart != "no" && target.Restart != "on-failure" {
					t.Errorf("%s waits for %s to complete, but %s restarts %q", name, dep, dep, target.Restart)
				}
			case "service_started":
			default:
				t.Errorf("%s depends on %s with condition %q", name, dep, d.Condition)
			}
			for _, p := range target.Profiles {
				if !slices.Contains(s.Profiles, p) {
					t.Errorf("%s depends on %s, which only runs in profile %s", name, dep, p)
				}
			}
		}
	}
	for _, infra := range []string{"postgres", "rabbitmq", "mongodb", "elasticsearch", "zeebe", "operate", "zipkin", "kibana", "logstash"} {
		if s, ok := c.Services[infra]; !ok || s.Healthcheck == nil {
			t.Errorf("infrastructure service %s is missing or has no healthcheck", infra)
		}
	}
}

func TestComposeInfrastructureRunsTheEngineVersionsOfTheIssue(t *testing.T) {
	c := loadCompose(t)
	want := map[string]*regexp.Regexp{
		"postgres":      regexp.MustCompile(`^postgres:16(\.|-|$)`),
		"rabbitmq":      regexp.MustCompile(`^rabbitmq:3\.13[.\d]*-management`),
		"mongodb":       regexp.MustCompile(`^mongo:7(\.|-|$)`),
		"elasticsearch": regexp.MustCompile(`elasticsearch/elasticsearch:8\.`),
		"zeebe":         regexp.MustCompile(`^camunda/zeebe:8\.`),
		"operate":       regexp.MustCompile(`^camunda/operate:8\.`),
		"zipkin":        regexp.MustCompile(`zipkin`),
		"kibana":        regexp.MustCompile(`kibana/kibana:8\.`),
		"logstash":      regexp.MustCompile(`logstash/logstash:8\.`),
		"filebeat":      regexp.MustCompile(`beats/filebeat:8\.`),
	}
	for name, re := range want {
		if s, ok := c.Services[name]; !ok || !re.MatchString(s.Image) {
			t.Errorf("%s: image %q, want %s", name, c.Services[name].Image, re)
		}
	}
	for name, s := range c.Services {
		if s.Build == nil && (!strings.Contains(s.Image, ":") || strings.HasSuffix(s.Image, ":latest")) {
			t.Errorf("%s: pulled image %q has no pinned tag", name, s.Image)
		}
	}
}

func TestComposeNamedVolumesAndConfigsAreDeclared(t *testing.T) {
	c := loadCompose(t)
	for name, s := range c.Services {
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
				if strings.HasPrefix(src, ".") && !exists(t, src) {
					t.Errorf("%s mounts %s, which is not in the repo", name, src)
				}
				continue
			}
			if _, ok := c.Volumes[src]; !ok {
				t.Errorf("%s mounts volume %s, which is not declared", name, src)
			}
		}
		for _, cf := range s.Configs {
			if cfg, ok := c.Configs[cf.Source]; !ok || cfg.Content == "" && cfg.File == "" {
				t.Errorf("%s uses config %s, which is not declared with content", name, cf.Source)
			}
		}
	}
	for _, stateful := range []string{"postgres", "rabbitmq", "mongodb", "elasticsearch", "zeebe"} {
		named := slices.ContainsFunc(c.Services[stateful].Volumes, func(v string) bool {
			src, _, _ := strings.Cut(v, ":")
			return c.Volumes[src] != nil || hasKey(c.Volumes, src)
		})
		if !named {
			t.Errorf("%s keeps its data in no named volume", stateful)
		}
	}
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// TestComposeURLsPointAtServicesOfTheStack checks every URL-like value given to a service built
// here (postgres://, amqp://, mongodb://, http://, host:port) names a compose service and a
// port that service listens on.
func TestComposeURLsPointAtServicesOfTheStack(t *testing.T) {
	c := loadCompose(t)
	listens := func(name string) []int {
		s := c.Services[name]
		ports := slices.Clone(designPorts[name])
		for _, spec := range s.Ports {
			ports = append(ports, parsePort(t, name, spec).Container)
		}
		for _, e := range s.Expose {
			if n, err := strconv.Atoi(e); err == nil {
				ports = append(ports, n)
			}
		}
		return ports
	}
	hostPort := regexp.MustCompile(`^([a-z][a-z0-9-]*):(\d+)$`)
	checked := 0
	for name, s := range c.Services {
		if s.Build == nil {
			continue
		}
		for k, v := range s.env(t, name) {
			var host, port string
			if m := hostPort.FindStringSubmatch(v); m != nil {
				host, port = m[1], m[2]
			} else if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
				host, port = u.Hostname(), u.Port()
			} else {
				continue
			}
			checked++
			if port == "" {
				t.Errorf("%s %s=%s names no port", name, k, v)
				continue
			}
			if _, ok := c.Services[host]; !ok {
				if host == "localhost" && (s.Build.Dockerfile == "web/Dockerfile" || strings.Contains(k, "CORS")) {
					continue // what a browser on the host sees: the gateway's URL, the web app's origin
				}
				t.Errorf("%s %s=%s: %s is not a service of the stack", name, k, v, host)
				continue
			}
			n, _ := strconv.Atoi(port)
			if !slices.Contains(listens(host), n) {
				t.Errorf("%s %s=%s: %s does not listen on %d (%v)", name, k, v, host, n, listens(host))
			}
		}
	}
	if checked == 0 {
		t.Error("no URL checked")
	}
}

func TestComposeGivesEachDatabaseServiceItsOwnDatabaseOnThePostgresContainer(t *testing.T) {
	c := loadCompose(t)
	dbDefault := regexp.MustCompile(`^postgres://[^/]*/([a-z_]+_db)\?`)
	for name, s := range c.Services {
		pkg, ok := s.goPackage()
		if !ok || len(s.Environment) == 0 {
			continue
		}
		var want string
		for lit := range loadGoSources(t, pkg).Literals {
			if m := dbDefault.FindStringSubmatch(lit); m != nil && strings.Contains(lit, "127.0.0.1") {
				want = m[1]
			}
		}
		got := s.env(t, name)["DATABASE_URL"]
		if want == "" {
			if got != "" {
				t.Errorf("%s gets DATABASE_URL but has no database", name)
			}
			continue
		}
		u, err := url.Parse(got)
		if err != nil || u.Hostname() != "postgres" || strings.TrimPrefix(u.Path, "/") != want {
			t.Errorf("%s: DATABASE_URL %q, want database %s on the postgres container", name, got, want)
		}
		if _, ok := s.DependsOn["postgres"]; !ok {
			t.Errorf("%s uses postgres but does not depend on it", name)
		}
	}
}

// TestComposeServiceClientsMatchIdentity checks that every service's client-credentials
// pair is one identity knows and passes identity's production rules for secrets.
func TestComposeServiceClientsMatchIdentity(t *testing.T) {
	c := loadCompose(t)
	minLen, devPrefix := identitySecretRules(t)
	clients := map[string]string{}
	for _, pair := range strings.Split(c.Services["identity"].env(t, "identity")["SERVICE_CLIENTS"], ",") {
		id, secret, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok {
			t.Fatalf("identity SERVICE_CLIENTS entry %q is not id:secret", pair)
		}
		clients[id] = secret
		if len(secret) < minLen || strings.HasPrefix(secret, devPrefix) {
			t.Errorf("client %s: secret %q is shorter than %d or starts with %s", id, secret, minLen, devPrefix)
		}
	}
	if len(clients) == 0 {
		t.Fatal("identity knows no service client")
	}
	users := 0
	for name, s := range c.Services {
		env := s.env(t, name)
		id, hasID := env["SERVICE_CLIENT_ID"]
		secret, hasSecret := env["SERVICE_CLIENT_SECRET"]
		if !hasID && !hasSecret {
			continue
		}
		users++
		if clients[id] == "" || clients[id] != secret {
			t.Errorf("%s: client %q with its secret is not in identity's SERVICE_CLIENTS", name, id)
		}
	}
	// A service whose code fetches service tokens must get credentials, not the dev defaults.
	for name, s := range c.Services {
		pkg, ok := s.goPackage()
		if !ok || name == "identity" || name == "identity-keygen" {
			continue
		}
		if envNames(loadGoSources(t, pkg))["SERVICE_CLIENT_SECRET"] && s.Environment["SERVICE_CLIENT_SECRET"] == nil {
			t.Errorf("%s reads SERVICE_CLIENT_SECRET but compose leaves it at the dev default", name)
		}
	}
	if users == 0 {
		t.Error("no service uses client credentials")
	}
}

// identitySecretRules reads identity's production minimum secret length and dev prefix from
// its config source, so the test follows the code.
func identitySecretRules(t testing.TB) (int, string) {
	t.Helper()
	src := string(readRepoFile(t, "services/identity/config.go"))
	m1 := regexp.MustCompile(`minProdSecretLength\s*=\s*(\d+)`).FindStringSubmatch(src)
	m2 := regexp.MustCompile(`devSecretPrefix\s*=\s*"([^"]+)"`).FindStringSubmatch(src)
	if m1 == nil || m2 == nil {
		t.Fatal("services/identity/config.go: minProdSecretLength or devSecretPrefix not found")
	}
	n, _ := strconv.Atoi(m1[1])
	return n, m2[1]
}
