module github.com/tmfcatalog/platform/services/pricing

go 1.26

require (
	github.com/google/uuid v1.6.0 // indirect
	github.com/shopspring/decimal v1.6.0 // indirect
)
