package validate

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadComposeProject loads docker-compose.yml the way `docker compose config` does (schema
// validation, interpolation with an empty environment, merges, profiles, dependency checks).
func loadComposeProject(t testing.TB, profiles ...string) *types.Project {
	t.Helper()
	root := repoRoot(t)
	opts, err := cli.NewProjectOptions([]string{filepath.Join(root, "docker-compose.yml")},
		cli.WithWorkingDirectory(root), cli.WithEnv([]string{}), cli.WithProfiles(profiles))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml (profiles %v): %v", profiles, err)
	}
	return p
}

func TestComposeFileLoadsLikeDockerComposeConfig(t *testing.T) {
	cases := []struct {
		name     string
		profiles []string
		want     string // a service that must be there
		absent   string // a service that must not
	}{
		{"the default stack runs Zeebe and leaves our engine out", nil, "zeebe", "engine"},
		{"the own-engine profile adds our engine", []string{"own-engine"}, "engine", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := loadComposeProject(t, c.profiles...)
			if _, err := p.GetService(c.want); err != nil {
				t.Errorf("service %s: %v", c.want, err)
			}
			if c.absent != "" {
				if _, err := p.GetService(c.absent); err == nil {
					t.Errorf("service %s runs without its profile", c.absent)
				}
			}
			for name, s := range p.Services {
				for dep := range s.DependsOn {
					if _, err := p.GetService(dep); err != nil {
						t.Errorf("%s depends on %s, which this profile set does not run", name, dep)
					}
				}
			}
		})
	}
}

// TestMakeInfraUpStartsOnlyInfrastructureServicesOfTheComposeFile reads the services that
// `make infra-up` names and checks each is a pulled (not built) service of the default stack.
func TestMakeInfraUpStartsOnlyInfrastructureServicesOfTheComposeFile(t *testing.T) {
	m := regexp.MustCompile(`(?m)^infra-up:.*\n\t+docker compose up -d ([^\n]+)$`).FindStringSubmatch(string(readRepoFile(t, "Makefile")))
	if m == nil {
		t.Fatal("Makefile: no infra-up target running docker compose up -d")
	}
	p := loadComposeProject(t)
	names := strings.Fields(m[1])
	for _, want := range []string{"postgres", "rabbitmq", "mongodb", "elasticsearch", "zeebe", "zipkin"} {
		if !slices.Contains(names, want) {
			t.Errorf("make infra-up does not start %s", want)
		}
	}
	for _, n := range names {
		s, err := p.GetService(n)
		if err != nil {
			t.Errorf("make infra-up starts %s: %v", n, err)
			continue
		}
		if s.Build != nil {
			t.Errorf("make infra-up starts %s, which is built from this repo, not infrastructure", n)
		}
	}
}

// TestComposeIdentityTrustsForwardedAddressesOnlyFromTheGateway: identity throttles logins by
// client address, which the gateway passes on; any other container (or the host, through a
// published port) must not be able to claim an address.
func TestComposeIdentityTrustsForwardedAddressesOnlyFromTheGateway(t *testing.T) {
	p := loadComposeProject(t)
	gw, err := p.GetService("gateway")
	if err != nil {
		t.Fatal(err)
	}
	n := gw.Networks["default"]
	if n == nil || n.Ipv4Address == "" {
		t.Fatal("the gateway has no fixed address on the default network")
	}
	id, err := p.GetService("identity")
	if err != nil {
		t.Fatal(err)
	}
	trusted := id.Environment["TRUSTED_PROXIES"]
	if trusted == nil || *trusted != n.Ipv4Address+"/32" {
		t.Errorf("identity TRUSTED_PROXIES=%v, want only the gateway's %s/32", trusted, n.Ipv4Address)
	}
}
