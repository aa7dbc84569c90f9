-- +goose Up
CREATE TABLE characteristics (
    id              UUID PRIMARY KEY,
    name            VARCHAR(200) NOT NULL,
    value           VARCHAR(100) NOT NULL,
    unit_of_measure VARCHAR(20)  NOT NULL,
    version         BIGINT       NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT characteristics_name_key UNIQUE (name)
);

CREATE INDEX characteristics_created_idx ON characteristics (created_at, id);

-- Specifications that reference characteristics, learned from resource.specifications.events.
-- A deleted specification stays as a tombstone (deleted = true) so that an older, late event
-- cannot bring it back.
CREATE TABLE specification_references (
    specification_id   UUID    PRIMARY KEY,
    characteristic_ids UUID[]  NOT NULL DEFAULT '{}',
    version            BIGINT  NOT NULL,
    deleted            BOOLEAN NOT NULL DEFAULT false,
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX specification_references_chars_idx ON specification_references USING GIN (characteristic_ids);

-- +goose Down
DROP TABLE specification_references;
DROP TABLE characteristics;
