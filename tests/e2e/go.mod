module github.com/tmfcatalog/platform/tests/e2e

go 1.26
