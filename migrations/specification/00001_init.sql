-- +goose Up
CREATE TABLE specifications (
    id                 UUID PRIMARY KEY,
    name               VARCHAR(200) NOT NULL,
    characteristic_ids UUID[]       NOT NULL CHECK (cardinality(characteristic_ids) > 0),
    version            BIGINT       NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT specifications_name_key UNIQUE (name)
);

CREATE INDEX specifications_created_idx ON specifications (created_at, id);

-- Local replica of the characteristic service's characteristics, fed by
-- resource.characteristics.events (and by a one-time lookup for ids not yet replicated).
-- Deleted characteristics stay as tombstones so that older events are recognised as stale.
CREATE TABLE characteristic_replica (
    id              UUID PRIMARY KEY,
    name            VARCHAR(200) NOT NULL,
    value           VARCHAR(100) NOT NULL,
    unit_of_measure VARCHAR(20)  NOT NULL,
    version         BIGINT       NOT NULL,
    deleted         BOOLEAN      NOT NULL DEFAULT false,
    replicated_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Offerings that reference specifications, learned from product.offering.events.
CREATE TABLE offering_references (
    offering_id       UUID PRIMARY KEY,
    lifecycle_status  VARCHAR(20) NOT NULL,
    specification_ids UUID[]      NOT NULL DEFAULT '{}',
    version           BIGINT      NOT NULL,
    deleted           BOOLEAN     NOT NULL DEFAULT false,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX offering_references_specs_idx ON offering_references USING GIN (specification_ids);

-- +goose Down
DROP TABLE offering_references;
DROP TABLE characteristic_replica;
DROP TABLE specifications;
