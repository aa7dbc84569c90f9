module github.com/tmfcatalog/platform/services/store-query

go 1.26

require (
	github.com/tmfcatalog/platform/libs/chassis v0.0.0
	github.com/tmfcatalog/platform/libs/messaging v0.0.0
	github.com/tmfcatalog/platform/libs/sagaworker v0.0.0
	github.com/tmfcatalog/platform/libs/auth v0.0.0
	github.com/tmfcatalog/platform/libs/ferret v0.0.0
	github.com/tmfcatalog/platform/libs/apicontract v0.0.0
	go.mongodb.org/mongo-driver v1.17.10
	github.com/blevesearch/bleve/v2 v2.6.3
	github.com/elastic/go-elasticsearch/v8 v8.19.7
)

replace (
	github.com/tmfcatalog/platform/libs/chassis => ../../libs/chassis
	github.com/tmfcatalog/platform/libs/messaging => ../../libs/messaging
	github.com/tmfcatalog/platform/libs/sagaworker => ../../libs/sagaworker
	github.com/tmfcatalog/platform/libs/auth => ../../libs/auth
	github.com/tmfcatalog/platform/libs/ferret => ../../libs/ferret
	github.com/tmfcatalog/platform/libs/apicontract => ../../libs/apicontract
)
