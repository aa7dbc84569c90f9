package chaos

// ShortFaults is the fault list of `make test`: a write service killed, the saga engine
// killed, the broker dropping the stack's connections and the database ending its sessions.
func ShortFaults() []Fault {
	return []Fault{KillService("offering"), KillService("engine"), CloseRabbitConnections(), TerminateBackends()}
}

// FullFaults is the fault list of `make chaos`: every process of the stack killed in turn,
// the broker and database faults, and a PostgreSQL restart.
func FullFaults(components []string) []Fault {
	var out []Fault
	for _, c := range components {
		out = append(out, KillService(c))
	}
	return append(out, CloseRabbitConnections(), TerminateBackends(), RestartFerret(), RestartPostgres())
}
