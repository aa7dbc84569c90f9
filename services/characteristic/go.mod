module github.com/tmfcatalog/platform/services/characteristic

go 1.26
