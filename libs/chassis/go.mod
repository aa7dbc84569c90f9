module github.com/tmfcatalog/platform/libs/chassis

go 1.26
