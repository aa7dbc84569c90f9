package httpapi

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/tmfcatalog/platform/libs/chassis/httpparams"

	"github.com/tmfcatalog/platform/services/characteristic/internal/app"
)

// pathID parses the {char_id} path parameter.
func pathID(r *http.Request) (uuid.UUID, error) { return httpparams.UUID(r, "char_id") }

// parsePage reads skip and limit with the platform's paging bounds.
func parsePage(r *http.Request) (app.Page, error) {
	skip, limit, err := httpparams.Page(r)
	if err != nil {
		return app.Page{}, err
	}
	return app.Page{Skip: skip, Limit: limit}, nil
}
