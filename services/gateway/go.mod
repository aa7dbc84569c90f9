module github.com/tmfcatalog/platform/services/gateway

go 1.26
