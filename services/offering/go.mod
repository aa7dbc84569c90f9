module github.com/tmfcatalog/platform/services/offering

go 1.26
