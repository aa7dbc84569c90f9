module github.com/tmfcatalog/platform/libs/messaging

go 1.26
