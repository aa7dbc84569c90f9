module github.com/tmfcatalog/platform/libs/apicontract

go 1.26
