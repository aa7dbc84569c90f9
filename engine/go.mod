module github.com/tmfcatalog/platform/engine

go 1.26
