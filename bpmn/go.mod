module github.com/tmfcatalog/platform/bpmn

go 1.26
