package outbox_test

import "github.com/google/uuid"

func newID() string { return uuid.NewString() }
