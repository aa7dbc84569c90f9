-- +goose Up
-- Product offerings with their lifecycle; version drives optimistic locking and event order.
CREATE TABLE offerings (
    id                   uuid PRIMARY KEY,
    name                 text        NOT NULL,
    description          text,
    specification_ids    uuid[]      NOT NULL DEFAULT '{}',
    pricing_ids          uuid[]      NOT NULL DEFAULT '{}',
    sales_channels       text[]      NOT NULL DEFAULT '{}',
    lifecycle_status     text        NOT NULL
        CHECK (lifecycle_status IN ('DRAFT', 'PUBLISHING', 'PUBLISHED', 'RETIRED')),
    version              bigint      NOT NULL CHECK (version > 0),
    saga_id              uuid,
    process_instance_key bigint,
    failure_reason       text,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    published_at         timestamptz,
    retired_at           timestamptz
);
CREATE INDEX offerings_created_idx ON offerings (created_at, id);
CREATE INDEX offerings_status_idx ON offerings (lifecycle_status, created_at, id);

-- Local replicas of ids owned by other services, fed by their events (version-aware).
CREATE TABLE known_prices (
    id         uuid PRIMARY KEY,
    version    bigint      NOT NULL,
    deleted    boolean     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE known_specifications (
    id         uuid PRIMARY KEY,
    version    bigint      NOT NULL,
    deleted    boolean     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE known_specifications;
DROP TABLE known_prices;
DROP TABLE offerings;
