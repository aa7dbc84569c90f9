package seed

// Characteristic is one demo characteristic; its name is unique (the service enforces it).
type Characteristic struct {
	Name, Value, Unit string
}

// Specification groups characteristics, named by their names.
type Specification struct {
	Name            string
	Characteristics []string
}

// Price is one demo price; its name is unique (the service enforces it).
type Price struct {
	Name, Value, Unit, Currency string
}

// Offering refers to its specifications and prices by name. Publish false leaves it DRAFT.
type Offering struct {
	Name, Description string
	Specifications    []string
	Prices            []string
	Channels          []string
	Publish           bool
}

// Catalog is a whole demo data set, in creation order.
type Catalog struct {
	Characteristics []Characteristic
	Specifications  []Specification
	Prices          []Price
	Offerings       []Offering
}

// Demo is the telecom catalog `make seed-data` loads: fiber, mobile and TV, prices in EUR, USD
// and TRY, six offerings across the online, retail and partner channels, five published and
// one left in DRAFT.
func Demo() Catalog {
	return Catalog{
		Characteristics: []Characteristic{
			{"Download speed 100 Mbps", "100", "Mbps"},
			{"Download speed 500 Mbps", "500", "Mbps"},
			{"Download speed 1000 Mbps", "1000", "Mbps"},
			{"Upload speed 50 Mbps", "50", "Mbps"},
			{"Data allowance 10 GB", "10", "GB"},
			{"Data allowance 50 GB", "50", "GB"},
			{"Contract term 12 Months", "12", "Months"},
			{"Contract term 24 Months", "24", "Months"},
			{"TV channels 150", "150", "Unit"},
		},
		Specifications: []Specification{
			{"Fiber 100 home line", []string{"Download speed 100 Mbps", "Upload speed 50 Mbps", "Contract term 12 Months"}},
			{"Fiber 500 home line", []string{"Download speed 500 Mbps", "Upload speed 50 Mbps", "Contract term 24 Months"}},
			{"Fiber 1000 home line", []string{"Download speed 1000 Mbps", "Contract term 24 Months"}},
			{"Mobile 10 GB plan", []string{"Data allowance 10 GB", "Contract term 12 Months"}},
			{"Mobile 50 GB plan", []string{"Data allowance 50 GB", "Contract term 24 Months"}},
			{"TV essentials package", []string{"TV channels 150", "Contract term 12 Months"}},
		},
		Prices: []Price{
			{"Fiber 100 monthly fee", "29.99", "month", "EUR"},
			{"Fiber 500 monthly fee", "44.99", "month", "EUR"},
			{"Fiber 1000 monthly fee", "69.99", "month", "USD"},
			{"Mobile 10 GB monthly fee", "349.00", "month", "TRY"},
			{"Mobile 50 GB monthly fee", "24.99", "month", "EUR"},
			{"Fiber 1000 and TV bundle monthly fee", "84.99", "month", "USD"},
			{"Installation fee", "49.00", "one-time", "EUR"},
		},
		Offerings: []Offering{
			{Name: "Fiber Home 100", Description: "Reliable 100 Mbps fiber for everyday browsing and streaming, 12-month contract.",
				Specifications: []string{"Fiber 100 home line"}, Prices: []string{"Fiber 100 monthly fee", "Installation fee"},
				Channels: []string{"online", "retail"}, Publish: true},
			{Name: "Fiber Home 500", Description: "500 Mbps fiber for busy households with many devices, 24-month contract.",
				Specifications: []string{"Fiber 500 home line"}, Prices: []string{"Fiber 500 monthly fee"},
				Channels: []string{"online", "retail", "partner"}, Publish: true},
			{Name: "Fiber Giga 1000", Description: "Gigabit fiber for gamers and home offices, 24-month contract.",
				Specifications: []string{"Fiber 1000 home line"}, Prices: []string{"Fiber 1000 monthly fee"},
				Channels: []string{"online"}, Publish: true},
			{Name: "Mobile Start 10 GB", Description: "Entry mobile plan with 10 GB of data each month.",
				Specifications: []string{"Mobile 10 GB plan"}, Prices: []string{"Mobile 10 GB monthly fee"},
				Channels: []string{"online", "retail"}, Publish: true},
			{Name: "Mobile Max 50 GB", Description: "Mobile plan with 50 GB of data for heavy users.",
				Specifications: []string{"Mobile 50 GB plan"}, Prices: []string{"Mobile 50 GB monthly fee"},
				Channels: []string{"online", "partner"}, Publish: true},
			{Name: "Giga Home TV Bundle", Description: "Gigabit fiber with 150 TV channels (draft: not yet on sale).",
				Specifications: []string{"Fiber 1000 home line", "TV essentials package"}, Prices: []string{"Fiber 1000 and TV bundle monthly fee"},
				Channels: []string{"retail", "partner"}, Publish: false},
		},
	}
}
