package httpapi

import (
	"net/http"

	"github.com/tmfcatalog/platform/libs/chassis/apierror"
)

func decodeJSONForFuzz(r *http.Request, dst any) error { return apierror.DecodeJSON(r, dst) }
