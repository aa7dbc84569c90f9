-- +goose Up
-- Prices of the commercial catalog. value is an exact decimal with two places.
CREATE TABLE prices (
    id         uuid PRIMARY KEY,
    name       text          NOT NULL,
    value      numeric(14,2) NOT NULL CHECK (value > 0),
    unit       text          NOT NULL,
    currency   text          NOT NULL CHECK (currency IN ('USD', 'EUR', 'TRY')),
    version    bigint        NOT NULL CHECK (version > 0),
    created_at timestamptz   NOT NULL,
    updated_at timestamptz   NOT NULL
);
CREATE UNIQUE INDEX prices_name_key ON prices (name);
CREATE INDEX prices_created_idx ON prices (created_at, id);

-- One row per saga (and offering) that holds a price; any row freezes the price.
CREATE TABLE price_holds (
    price_id    uuid        NOT NULL REFERENCES prices (id) ON DELETE RESTRICT,
    saga_id     uuid        NOT NULL,
    offering_id uuid,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (price_id, saga_id)
);
CREATE INDEX price_holds_saga_idx ON price_holds (saga_id);
CREATE INDEX price_holds_offering_idx ON price_holds (offering_id);

-- +goose Down
DROP TABLE price_holds;
DROP TABLE prices;
