module github.com/tmfcatalog/platform/libs/outbox

go 1.26
