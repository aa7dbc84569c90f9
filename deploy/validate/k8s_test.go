package validate

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

const k8sDir = "deploy/k8s"

// manifests is every object of one kustomize root, base objects first, by kind.
type manifests struct {
	Deployments []appsv1.Deployment
	Services    []corev1.Service
	ConfigMaps  []corev1.ConfigMap
	Secrets     []corev1.Secret
	HPAs        []autoscalingv2.HorizontalPodAutoscaler
	PDBs        []policyv1.PodDisruptionBudget
	Ingresses   []networkingv1.Ingress
	Namespaces  []corev1.Namespace
}

// decodeStrict decodes one YAML document into the k8s.io/api type of its kind; unknown
// fields fail.
func decodeStrict(t testing.TB, where string, doc []byte, m *manifests) {
	t.Helper()
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		t.Errorf("%s: %v", where, err)
		return
	}
	var err error
	key := tm.APIVersion + "/" + tm.Kind
	switch key {
	case "apps/v1/Deployment":
		var o appsv1.Deployment
		err = yaml.UnmarshalStrict(doc, &o)
		m.Deployments = append(m.Deployments, o)
	case "v1/Service":
		var o corev1.Service
		err = yaml.UnmarshalStrict(doc, &o)
		m.Services = append(m.Services, o)
	case "v1/ConfigMap":
		var o corev1.ConfigMap
		err = yaml.UnmarshalStrict(doc, &o)
		m.ConfigMaps = append(m.ConfigMaps, o)
	case "v1/Secret":
		var o corev1.Secret
		err = yaml.UnmarshalStrict(doc, &o)
		m.Secrets = append(m.Secrets, o)
	case "autoscaling/v2/HorizontalPodAutoscaler":
		var o autoscalingv2.HorizontalPodAutoscaler
		err = yaml.UnmarshalStrict(doc, &o)
		m.HPAs = append(m.HPAs, o)
	case "policy/v1/PodDisruptionBudget":
		var o policyv1.PodDisruptionBudget
		err = yaml.UnmarshalStrict(doc, &o)
		m.PDBs = append(m.PDBs, o)
	case "networking.k8s.io/v1/Ingress":
		var o networkingv1.Ingress
		err = yaml.UnmarshalStrict(doc, &o)
		m.Ingresses = append(m.Ingresses, o)
	case "v1/Namespace":
		var o corev1.Namespace
		err = yaml.UnmarshalStrict(doc, &o)
		m.Namespaces = append(m.Namespaces, o)
	default:
		t.Errorf("%s: unexpected kind %s", where, key)
		return
	}
	if err != nil {
		t.Errorf("%s: %s: %v", where, key, err)
	}
}

var docSeparator = regexp.MustCompile(`(?m)^---\s*$`)

func decodeFile(t testing.TB, rel string, m *manifests) {
	t.Helper()
	for i, doc := range docSeparator.Split(string(readRepoFile(t, rel)), -1) {
		if len(bytes.TrimSpace(stripComments([]byte(doc)))) == 0 {
			continue
		}
		decodeStrict(t, fmt.Sprintf("%s (document %d)", rel, i+1), []byte(doc), m)
	}
}

func stripComments(b []byte) []byte {
	var out [][]byte
	for _, l := range bytes.Split(b, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			out = append(out, l)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

// loadKustomization runs `kustomize build` on a kustomize root (relative dir) in process and
// decodes every resulting object strictly.
func loadKustomization(t testing.TB, dir string) *manifests {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resMap, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join(repoRoot(t), filepath.FromSlash(dir)))
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	m := &manifests{}
	for _, r := range resMap.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			t.Fatalf("%s: %s %s: %v", dir, r.GetKind(), r.GetName(), err)
		}
		decodeStrict(t, fmt.Sprintf("kustomize build %s: %s %s", dir, r.GetKind(), r.GetName()), y, m)
	}
	return m
}

// kustomizeRoots are the directories under deploy/k8s holding a kustomization.yaml.
func kustomizeRoots(t testing.TB) []string {
	t.Helper()
	var roots []string
	err := filepath.WalkDir(filepath.Join(repoRoot(t), k8sDir), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == "kustomization.yaml" {
			rel, _ := filepath.Rel(repoRoot(t), filepath.Dir(p))
			roots = append(roots, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return roots
}

func TestEveryManifestFileDecodesStrictlyAndEveryRootBuilds(t *testing.T) {
	roots := kustomizeRoots(t)
	if !slices.Contains(roots, k8sDir+"/base") || !slices.Contains(roots, k8sDir+"/overlays/dev") {
		t.Fatalf("want kustomize roots base and overlays/dev, got %v", roots)
	}
	for _, root := range roots {
		m := loadKustomization(t, root)
		if len(m.Deployments) == 0 {
			t.Errorf("kustomize build %s yields no Deployment", root)
		}
		for _, d := range m.Deployments {
			for _, c := range d.Spec.Template.Spec.Containers {
				if _, ok := dockerfileForImage(t, c.Image); !ok {
					t.Errorf("%s: Deployment %s runs image %s, which no Dockerfile builds", root, d.Name, c.Image)
				}
			}
		}
	}
	// Every other YAML file (resources and patches) decodes strictly on its own too.
	err := filepath.WalkDir(filepath.Join(repoRoot(t), k8sDir), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") || d.Name() == "kustomization.yaml" {
			return err
		}
		rel, _ := filepath.Rel(repoRoot(t), p)
		decodeFile(t, filepath.ToSlash(rel), &manifests{})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStrictDecodingRejectsUnknownFields(t *testing.T) {
	cases := []struct{ name, doc string }{
		{"a misspelt Deployment field", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicass: 2\n"},
		{"a probe field at the wrong level", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers:\n        - name: x\n          path: /health\n"},
		{"an unknown kind", "apiVersion: v1\nkind: Pod2\nmetadata: {name: x}\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			decodeStrict(rec, "doc", []byte(c.doc), &manifests{})
			if !rec.failed {
				t.Errorf("decoding %q succeeded", c.doc)
			}
		})
	}
}

// recorder notes t.Errorf calls without failing the test that uses it.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

// component returns the component name of a Deployment (its app.kubernetes.io/name).
func component(d appsv1.Deployment) string { return d.Spec.Template.Labels["app.kubernetes.io/name"] }

func TestDeploymentsProbeRealRoutesOnTheServicePortsAndRunLockedDown(t *testing.T) {
	m := loadKustomization(t, k8sDir+"/base")
	routes := healthRoutes(t)
	want := []string{"gateway", "identity", "characteristic", "specification", "pricing", "offering", "store-query", "engine", "web"}
	var got []string
	for _, d := range m.Deployments {
		name := component(d)
		got = append(got, name)
		t.Run(name, func(t *testing.T) {
			pod := d.Spec.Template.Spec
			if sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector); err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				t.Errorf("selector does not match the pod template labels")
			}
			if pod.SecurityContext == nil || pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot {
				t.Errorf("pod securityContext.runAsNonRoot is not true")
			}
			if len(pod.Containers) != 1 {
				t.Fatalf("want one container, got %d", len(pod.Containers))
			}
			c := pod.Containers[0]
			df, ok := dockerfileForImage(t, c.Image)
			if !ok {
				t.Errorf("image %s maps to no Dockerfile", c.Image)
			}
			sc := c.SecurityContext
			if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
				sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
				sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
				t.Errorf("container securityContext must be readOnlyRootFilesystem, no privilege escalation, drop ALL")
			}
			for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				if _, ok := c.Resources.Requests[r]; !ok {
					t.Errorf("no %s request", r)
				}
			}
			if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
				t.Errorf("no memory limit")
			}
			ports := map[string]int32{}
			var numbers []int
			for _, p := range c.Ports {
				ports[p.Name] = p.ContainerPort
				numbers = append(numbers, int(p.ContainerPort))
			}
			slices.Sort(numbers)
			if !slices.Equal(numbers, slices.Sorted(slices.Values(designPorts[name]))) {
				t.Errorf("container ports %v, want DESIGN §2 %v", numbers, designPorts[name])
			}
			for kind, p := range map[string]*corev1.Probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
				if p == nil || p.HTTPGet == nil {
					t.Errorf("no HTTP %s probe", kind)
					continue
				}
				port := p.HTTPGet.Port.IntVal
				if p.HTTPGet.Port.StrVal != "" {
					port = ports[p.HTTPGet.Port.StrVal]
				}
				if !slices.Contains(designPorts[name], int(port)) {
					t.Errorf("%s probe on port %s, not one of the service's ports", kind, p.HTTPGet.Port.String())
				}
				if df == "web/Dockerfile" {
					if p.HTTPGet.Path != "/" || !exists(t, "web/src/app/page.tsx") {
						t.Errorf("web %s probe %s: want / served by web/src/app/page.tsx", kind, p.HTTPGet.Path)
					}
					continue
				}
				wantPath := map[string]string{"readiness": "/health/ready", "liveness": "/health"}[kind]
				if p.HTTPGet.Path != wantPath || !routes[wantPath] {
					t.Errorf("%s probe path %s, want %s mounted by libs/chassis/health", kind, p.HTTPGet.Path, wantPath)
				}
				if df != "" && !loadGoSources(t, "./"+strings.TrimSuffix(df, "/Dockerfile")).Imports[modulePrefix+"libs/chassis/health"] {
					t.Errorf("%s does not build libs/chassis/health, so it serves no %s", df, wantPath)
				}
			}
		})
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Deployments %v, want %v", got, want)
	}
}

// TestDeploymentEnvironmentIsReadByTheCodeAndComesFromDeclaredObjects resolves every env and
// envFrom of the built dev overlay against its ConfigMaps and (generated) Secrets.
func TestDeploymentEnvironmentIsReadByTheCodeAndComesFromDeclaredObjects(t *testing.T) {
	m := loadKustomization(t, k8sDir+"/overlays/dev")
	configMaps := map[string]map[string]bool{}
	for _, cm := range m.ConfigMaps {
		configMaps[cm.Name] = map[string]bool{}
		for k := range cm.Data {
			configMaps[cm.Name][k] = true
		}
	}
	secrets := map[string]map[string]bool{}
	for _, s := range m.Secrets {
		secrets[s.Name] = map[string]bool{}
		for k := range s.Data {
			secrets[s.Name][k] = true
		}
		for k := range s.StringData {
			secrets[s.Name][k] = true
		}
	}
	web := webEnvNames(t)
	for _, d := range m.Deployments {
		name := component(d)
		t.Run(name, func(t *testing.T) {
			c := d.Spec.Template.Spec.Containers[0]
			df, _ := dockerfileForImage(t, c.Image)
			known := web
			if df != "web/Dockerfile" {
				known = envNames(loadGoSources(t, "./"+strings.TrimSuffix(df, "/Dockerfile")))
			}
			var names []string
			for _, e := range c.Env {
				names = append(names, e.Name)
				if ref := e.ValueFrom; ref != nil && ref.ConfigMapKeyRef != nil && !configMaps[ref.ConfigMapKeyRef.Name][ref.ConfigMapKeyRef.Key] {
					t.Errorf("env %s: ConfigMap %s has no key %s", e.Name, ref.ConfigMapKeyRef.Name, ref.ConfigMapKeyRef.Key)
				}
				if ref := e.ValueFrom; ref != nil && ref.SecretKeyRef != nil && !secrets[ref.SecretKeyRef.Name][ref.SecretKeyRef.Key] {
					t.Errorf("env %s: Secret %s has no key %s", e.Name, ref.SecretKeyRef.Name, ref.SecretKeyRef.Key)
				}
			}
			for _, ef := range c.EnvFrom {
				var keys map[string]bool
				switch {
				case ef.ConfigMapRef != nil:
					keys = configMaps[ef.ConfigMapRef.Name]
					if keys == nil {
						t.Errorf("envFrom ConfigMap %s is not declared", ef.ConfigMapRef.Name)
					}
				case ef.SecretRef != nil:
					keys = secrets[ef.SecretRef.Name]
					if keys == nil {
						t.Errorf("envFrom Secret %s is neither declared nor generated", ef.SecretRef.Name)
					}
				}
				for k := range keys {
					names = append(names, k)
				}
			}
			for _, n := range names {
				if !known[n] {
					t.Errorf("%s is given %s, which its code never reads", name, n)
				}
			}
			for _, v := range d.Spec.Template.Spec.Volumes {
				if v.Secret != nil && v.Secret.SecretName != "identity-jwt-key" && secrets[v.Secret.SecretName] == nil {
					t.Errorf("volume %s: Secret %s is not declared", v.Name, v.Secret.SecretName)
				}
			}
		})
	}
}

func TestServicesHPAsPDBsAndIngressPointAtRealWorkloads(t *testing.T) {
	m := loadKustomization(t, k8sDir+"/base")
	deployments := map[string]appsv1.Deployment{}
	for _, d := range m.Deployments {
		deployments[d.Name] = d
	}
	matching := func(sel map[string]string) []appsv1.Deployment {
		var out []appsv1.Deployment
		for _, d := range m.Deployments {
			if len(sel) > 0 && labels.SelectorFromSet(sel).Matches(labels.Set(d.Spec.Template.Labels)) {
				out = append(out, d)
			}
		}
		return out
	}
	services := map[string]corev1.Service{}
	for _, s := range m.Services {
		services[s.Name] = s
		ds := matching(s.Spec.Selector)
		if len(ds) != 1 {
			t.Errorf("Service %s selects %d Deployments, want 1", s.Name, len(ds))
			continue
		}
		c := ds[0].Spec.Template.Spec.Containers[0]
		for _, p := range s.Spec.Ports {
			target := p.TargetPort.IntVal
			if p.TargetPort.StrVal != "" {
				target = 0
				for _, cp := range c.Ports {
					if cp.Name == p.TargetPort.StrVal {
						target = cp.ContainerPort
					}
				}
			}
			if target != p.Port || !slices.Contains(designPorts[component(ds[0])], int(p.Port)) {
				t.Errorf("Service %s port %d -> %s: want the DESIGN §2 port on both sides", s.Name, p.Port, p.TargetPort.String())
			}
		}
	}
	scaled := map[string]bool{}
	for _, h := range m.HPAs {
		if _, ok := deployments[h.Spec.ScaleTargetRef.Name]; !ok || h.Spec.ScaleTargetRef.Kind != "Deployment" {
			t.Errorf("HPA %s scales %s %s, which is not a Deployment here", h.Name, h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name)
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 || h.Spec.MaxReplicas <= *h.Spec.MinReplicas {
			t.Errorf("HPA %s: want 2 <= minReplicas < maxReplicas in the base", h.Name)
		}
		scaled[h.Spec.ScaleTargetRef.Name] = true
	}
	for _, stateless := range []string{"gateway", "store-query", "characteristic", "specification", "pricing", "offering"} {
		if !scaled[stateless] {
			t.Errorf("%s has no HorizontalPodAutoscaler", stateless)
		}
	}
	guarded := map[string]bool{}
	for _, p := range m.PDBs {
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		if err != nil {
			t.Errorf("PDB %s: %v", p.Name, err)
			continue
		}
		n := 0
		for _, d := range m.Deployments {
			if sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				n++
				guarded[d.Name] = true
			}
		}
		if n != 1 {
			t.Errorf("PDB %s selects %d Deployments, want 1", p.Name, n)
		}
	}
	for name := range scaled {
		if !guarded[name] {
			t.Errorf("%s scales out but has no PodDisruptionBudget", name)
		}
	}
	routed := map[string]bool{}
	for _, ing := range m.Ingresses {
		for _, r := range ing.Spec.Rules {
			if r.HTTP == nil {
				continue
			}
			for _, p := range r.HTTP.Paths {
				b := p.Backend.Service
				if b == nil {
					t.Errorf("Ingress %s: path %s has no service backend", ing.Name, p.Path)
					continue
				}
				s, ok := services[b.Name]
				if !ok || !slices.ContainsFunc(s.Spec.Ports, func(sp corev1.ServicePort) bool {
					return sp.Name == b.Port.Name && b.Port.Name != "" || sp.Port == b.Port.Number && b.Port.Number != 0
				}) {
					t.Errorf("Ingress %s: backend %s port %v is not a Service port", ing.Name, b.Name, b.Port)
				}
				routed[b.Name] = true
			}
		}
	}
	if !routed["gateway"] || !routed["web"] {
		t.Errorf("the Ingress must route to gateway and web, routes %v", routed)
	}
}

// TestDevOverlayServiceClientsMatchIdentity checks that each service's client id (ConfigMap)
// and secret (generated Secret) is a pair identity's SERVICE_CLIENTS knows, and that the
// secrets would pass identity's production rules.
func TestDevOverlayServiceClientsMatchIdentity(t *testing.T) {
	m := loadKustomization(t, k8sDir+"/overlays/dev")
	minLen, devPrefix := identitySecretRules(t)
	secretOf := func(name, key string) (string, bool) {
		for _, d := range m.Deployments {
			if component(d) != name {
				continue
			}
			for _, ef := range d.Spec.Template.Spec.Containers[0].EnvFrom {
				for _, s := range m.Secrets {
					if ef.SecretRef != nil && ef.SecretRef.Name == s.Name {
						if v, ok := s.Data[key]; ok {
							return string(v), true
						}
					}
				}
			}
		}
		return "", false
	}
	pairs, ok := secretOf("identity", "SERVICE_CLIENTS")
	if !ok {
		t.Fatal("identity gets no SERVICE_CLIENTS from a Secret")
	}
	clients := map[string]string{}
	for _, pair := range strings.Split(pairs, ",") {
		id, secret, ok := strings.Cut(pair, ":")
		if !ok {
			t.Fatalf("identity SERVICE_CLIENTS entry %q is not id:secret", pair)
		}
		clients[id] = secret
		if len(secret) < minLen || strings.HasPrefix(secret, devPrefix) {
			t.Errorf("client %s: secret is shorter than %d or starts with %s", id, minLen, devPrefix)
		}
	}
	checked := 0
	for _, cm := range m.ConfigMaps {
		id, ok := cm.Data["SERVICE_CLIENT_ID"]
		if !ok {
			continue
		}
		comp := cm.Labels["app.kubernetes.io/name"]
		secret, ok := secretOf(comp, "SERVICE_CLIENT_SECRET")
		if !ok || clients[id] != secret {
			t.Errorf("%s: client %q has no matching secret in identity's SERVICE_CLIENTS", comp, id)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no component is configured with SERVICE_CLIENT_ID")
	}
}
