package devstack

import "strconv"

// component describes one child process the stack can run.
type component struct {
	Name    string // also the log file name
	Package string // Go package to build, relative to the repository root
	Port    int    // default HTTP port (DESIGN §2)
	// Env returns the variables this component needs beyond the shared ones.
	Env func(s *Stack) map[string]string
	// Health is the path polled until it answers 200.
	Health string
	// Web marks the Next.js app: built with npm, not go build, and started with next start.
	Web bool
}

// components lists every process in start order: identity first (everyone fetches its keys),
// then the saga engine, the write services, the read side and the gateway last.
var components = []component{
	{Name: "identity", Package: "./services/identity", Port: 8001, Health: "/health/ready", Env: func(s *Stack) map[string]string {
		return map[string]string{
			"DATABASE_URL":          s.databaseURL("identity_db"),
			"SEED_USERS":            "true",
			"BCRYPT_COST":           "10",
			"DEV_MODE":              "true",
			"JWT_PRIVATE_KEY_FILES": s.keyFile,
			"SERVICE_CLIENTS":       serviceClients(),
		}
	}},
	{Name: "engine", Package: "./engine", Port: 8085, Health: "/health/ready", Env: func(s *Stack) map[string]string {
		return map[string]string{
			"DATABASE_URL": s.databaseURL("saga_engine_db"),
			"GRPC_ADDR":    s.addr("engine-grpc"),
			"OPS_ADDR":     s.addr("engine"),
		}
	}},
	{Name: "characteristic", Package: "./services/characteristic", Port: 8002, Health: "/health/ready", Env: dbEnv("characteristic_db")},
	{Name: "specification", Package: "./services/specification", Port: 8003, Health: "/health/ready", Env: dbEnv("specification_db")},
	{Name: "pricing", Package: "./services/pricing", Port: 8004, Health: "/health/ready", Env: dbEnv("pricing_db")},
	{Name: "offering", Package: "./services/offering", Port: 8005, Health: "/health/ready", Env: dbEnv("offering_db")},
	{Name: "store-query", Package: "./services/store-query", Port: 8006, Health: "/health/ready", Env: func(s *Stack) map[string]string {
		return map[string]string{
			"MONGODB_URI":      s.mongoURI,
			"MONGODB_DATABASE": "store" + s.opts.Suffix,
			"SEARCH_INDEX_DIR": s.path("data", "search"),
		}
	}},
	{Name: "gateway", Package: "./services/gateway", Port: 8000, Health: "/health", Env: func(s *Stack) map[string]string {
		// The web app calls the gateway from the browser, so its origin must be allowed.
		return map[string]string{"CORS_ORIGINS": s.URL("web") + ",http://localhost:" + strconv.Itoa(s.port("web"))}
	}},
	{Name: "web", Package: "./web", Port: 3000, Health: "/store", Web: true, Env: func(s *Stack) map[string]string {
		return map[string]string{"API_BASE_URL": s.URL("gateway"), "NEXT_TELEMETRY_DISABLED": "1", "PORT": strconv.Itoa(s.port("web"))}
	}},
}

// grpcPort is the saga engine's Zeebe gateway port (DESIGN §2).
const grpcPort = 26500

func dbEnv(db string) func(s *Stack) map[string]string {
	return func(s *Stack) map[string]string { return map[string]string{"DATABASE_URL": s.databaseURL(db)} }
}

// serviceClients is the dev list of client-credentials pairs identity accepts; each service
// gets SERVICE_CLIENT_ID=<name> and SERVICE_CLIENT_SECRET=dev-secret-<name>.
func serviceClients() string {
	out := ""
	for _, name := range clientNames {
		if out != "" {
			out += ","
		}
		out += name + ":" + devSecret(name)
	}
	return out
}

// clientNames are the services that fetch client-credentials tokens.
var clientNames = []string{"gateway", "characteristic", "specification", "pricing", "offering", "store-query"}

func devSecret(name string) string { return "dev-secret-" + name }
