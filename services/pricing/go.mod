module github.com/tmfcatalog/platform/services/pricing

go 1.26
