package sagaworker

import (
	"context"
	"fmt"
	"os"

	"github.com/camunda/zeebe/clients/go/v8/pkg/zbc"
)

// Dial returns a Zeebe client for address (host:port). Without ZEEBE_CLIENT_ID in the
// environment the connection is plaintext (our own engine); with it, the client uses TLS and
// OAuth as configured by the standard Zeebe variables (ZEEBE_CLIENT_ID, ZEEBE_CLIENT_SECRET,
// ZEEBE_AUTHORIZATION_SERVER_URL, ZEEBE_TOKEN_AUDIENCE, ZEEBE_INSECURE_CONNECTION) — that is
// how a service points at Camunda SaaS. The connection is lazy: Dial does not wait for the
// engine to be up.
func Dial(ctx context.Context, address string) (zbc.Client, error) {
	_, oauth := os.LookupEnv("ZEEBE_CLIENT_ID")
	// The client itself installs the OAuth provider when ZEEBE_CLIENT_ID is set.
	cfg := &zbc.ClientConfig{GatewayAddress: address, UsePlaintextConnection: !oauth}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("dial zeebe %s: %w", address, err)
	}
	client, err := zbc.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("dial zeebe %s: %w", address, err)
	}
	return client, nil
}
