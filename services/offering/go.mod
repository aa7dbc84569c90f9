module github.com/tmfcatalog/platform/services/offering

go 1.26

require github.com/google/uuid v1.6.0 // indirect
