package apidocs

import _ "embed"

// Page is the /docs HTML page: no external scripts, styles or fonts; it loads /openapi.json
// from the same origin and renders every route with a small "try it" form.
//
//go:embed docs.html
var Page []byte
