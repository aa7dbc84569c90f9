module github.com/tmfcatalog/platform/libs/auth

go 1.26.0

require github.com/golang-jwt/jwt/v5 v5.3.1

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/tmfcatalog/platform/libs/chassis v0.0.0
)

replace github.com/tmfcatalog/platform/libs/chassis => ../chassis
