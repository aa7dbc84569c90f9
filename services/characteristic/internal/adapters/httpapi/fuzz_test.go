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

	"github.com/tmfcatalog/platform/services/characteristic/internal/domain"
)

// requestWith builds a JSON request carrying body.
func requestWith(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/characteristics", bytes.NewReader(body))
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

func FuzzDecodeCreate(f *testing.F) {
	f.Add([]byte(`{"name":"Speed","value":"100","unit_of_measure":"Mbps"}`))
	f.Add([]byte(`{"name":"","value":"","unit_of_measure":""}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeCreate(requestWith(body))
		if err != nil {
			checkInputError(t, err)
			return
		}
		c, err := domain.New(uuid.New(), in, time.Now())
		if err != nil {
			checkInputError(t, err)
			return
		}
		if c.Name == "" || c.Value == "" || c.Version != 1 {
			t.Fatalf("accepted an invalid characteristic %+v", c)
		}
	})
}

func FuzzDecodeUpdate(f *testing.F) {
	f.Add([]byte(`{"value":"200"}`))
	f.Add([]byte(`{"name":null,"unit_of_measure":"None","value":"Fiber"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		patch, err := decodeUpdate(requestWith(body))
		if err != nil {
			checkInputError(t, err)
			return
		}
		c := domain.Characteristic{ID: uuid.New(), Name: "Speed", Value: "100", Unit: domain.UnitMbps, Version: 1}
		if err := c.Apply(patch, time.Now()); err != nil {
			checkInputError(t, err)
			return
		}
		if c.Name == "" || c.Value == "" {
			t.Fatalf("accepted an invalid patch: %+v", c)
		}
	})
}
