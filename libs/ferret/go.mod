module github.com/tmfcatalog/platform/libs/ferret

go 1.26
