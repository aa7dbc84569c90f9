package chaos

// ShortFaults is the fault list of `make test`: a write service killed, the saga engine
// killed, the broker dropping the stack's connections and the database ending its sessions.
func ShortFaults() []Fault {
	return []Fault{KillService("offering"), KillService("engine"), CloseRabbitConnections(), TerminateBackends()}
}

// FullFaults is the fault list of `make chaos`: every process of the stack killed in turn,
// the broker and database faults, then the read side's faults (last: a read side that does not
// come back leaves every later publication unable to finish) and a PostgreSQL restart.
func FullFaults(components []string) []Fault {
	var out []Fault
	for _, c := range components {
		if c != "store-query" {
			out = append(out, KillService(c))
		}
	}
	out = append(out, CloseRabbitConnections(), TerminateBackends(), RestartFerret())
	for _, c := range components {
		if c == "store-query" {
			out = append(out, KillService(c))
		}
	}
	return append(out, RestartPostgres())
}
