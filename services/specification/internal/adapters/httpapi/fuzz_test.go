package httpapi

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"

	"github.com/tmfcatalog/platform/services/specification/internal/domain"
)

func requestWith(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/specifications", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// checkInputError fails unless err is one of the errors a client may cause.
func checkInputError(t *testing.T, err error) {
	t.Helper()
	var (
		verr *apierror.ValidationError
		derr *domain.ValidationError
	)
	if !errors.As(err, &verr) && !errors.As(err, &derr) {
		t.Fatalf("error %T %v is not a validation error", err, err)
	}
}

func FuzzDecodeSpecification(f *testing.F) {
	f.Add([]byte(`{"name":"Basic","characteristic_ids":["550e8400-e29b-41d4-a716-446655440000"]}`))
	f.Add([]byte(`{"name":"","characteristic_ids":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeSpecification(requestWith(body))
		if err != nil {
			checkInputError(t, err)
			return
		}
		s, err := domain.New(uuid.New(), in, time.Now())
		if err != nil {
			checkInputError(t, err)
			return
		}
		if s.Name == "" || len(s.CharacteristicIDs) == 0 || len(s.CharacteristicIDs) > len(in.CharacteristicIDs) {
			t.Fatalf("accepted an invalid specification %+v from %+v", s, in)
		}
	})
}

func FuzzDecodeIDs(f *testing.F) {
	f.Add([]byte(`["550e8400-e29b-41d4-a716-446655440000"]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ids, err := decodeIDs(requestWith(body))
		if err != nil {
			checkInputError(t, err)
			return
		}
		if ids == nil {
			t.Fatal("accepted a body that is not an array")
		}
	})
}
