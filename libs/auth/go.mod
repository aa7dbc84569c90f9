module github.com/tmfcatalog/platform/libs/auth

go 1.26
