module github.com/tmfcatalog/platform/migrations

go 1.26
