module github.com/tmfcatalog/platform/libs/sagaworker

go 1.26
