module github.com/tmfcatalog/platform/services/specification

go 1.26
