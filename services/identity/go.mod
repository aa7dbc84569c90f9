module github.com/tmfcatalog/platform/services/identity

go 1.26
