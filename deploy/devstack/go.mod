module github.com/tmfcatalog/platform/deploy/devstack

go 1.26
