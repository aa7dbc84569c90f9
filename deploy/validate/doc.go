// Package validate holds the static checks of the scale-out deployment files: the Compose
// stack (docker-compose.yml), the Dockerfiles and the Kubernetes manifests under deploy/k8s.
// Nothing here needs a Docker engine or a cluster; the tests read the files relative to the
// repository root (the directory holding go.work) and compare them with the Go sources.
package validate
