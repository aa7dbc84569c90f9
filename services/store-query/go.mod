module github.com/tmfcatalog/platform/services/store-query

go 1.26
