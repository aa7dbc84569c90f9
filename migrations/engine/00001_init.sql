-- Saga engine state: deployed process definitions, running instances, their element history,
-- jobs, timers and incidents. Keys come from one sequence, starting where Zeebe's partition-1
-- keys start, so keys look familiar to Zeebe tooling.

-- +goose Up
CREATE SEQUENCE engine_key_seq START WITH 2251799813685249;

CREATE TABLE process_definitions (
    key             bigint PRIMARY KEY DEFAULT nextval('engine_key_seq'),
    bpmn_process_id text        NOT NULL,
    version         int         NOT NULL,
    name            text        NOT NULL DEFAULT '',
    resource_name   text        NOT NULL,
    checksum        text        NOT NULL,
    xml             text        NOT NULL,
    deployed_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (bpmn_process_id, version)
);

CREATE TABLE process_instances (
    key             bigint PRIMARY KEY DEFAULT nextval('engine_key_seq'),
    definition_key  bigint      NOT NULL REFERENCES process_definitions (key),
    bpmn_process_id text        NOT NULL,
    version         int         NOT NULL,
    state           text        NOT NULL CHECK (state IN ('ACTIVE', 'COMPLETED', 'CANCELED')),
    variables       jsonb       NOT NULL DEFAULT '{}',
    end_element_id  text,
    started_at      timestamptz NOT NULL DEFAULT now(),
    ended_at        timestamptz
);
CREATE INDEX process_instances_state_key ON process_instances (state, key DESC);

CREATE TABLE element_instances (
    key          bigint PRIMARY KEY DEFAULT nextval('engine_key_seq'),
    instance_key bigint      NOT NULL REFERENCES process_instances (key),
    element_id   text        NOT NULL,
    element_type text        NOT NULL,
    scope_key    bigint      NOT NULL, -- enclosing element instance; the process instance key at top level
    state        text        NOT NULL CHECK (state IN ('ACTIVE', 'COMPLETED', 'TERMINATED')),
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    ended_at     timestamptz
);
CREATE INDEX element_instances_instance ON element_instances (instance_key, key);
CREATE INDEX element_instances_active_scope ON element_instances (scope_key) WHERE state = 'ACTIVE';

CREATE TABLE jobs (
    key                  bigint PRIMARY KEY DEFAULT nextval('engine_key_seq'),
    instance_key         bigint      NOT NULL REFERENCES process_instances (key),
    element_instance_key bigint      NOT NULL,
    element_id           text        NOT NULL,
    type                 text        NOT NULL,
    retries              int         NOT NULL,
    state                text        NOT NULL CHECK (state IN ('ACTIVATABLE', 'ACTIVATED', 'FAILED', 'ERROR_THROWN', 'COMPLETED', 'CANCELED')),
    worker               text,
    deadline             timestamptz,
    available_at         timestamptz NOT NULL DEFAULT now(),
    custom_headers       jsonb       NOT NULL DEFAULT '{}',
    error_message        text        NOT NULL DEFAULT '',
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_activatable ON jobs (type, available_at) WHERE state = 'ACTIVATABLE';
CREATE INDEX jobs_activated ON jobs (type, deadline) WHERE state = 'ACTIVATED';
CREATE INDEX jobs_element_instance ON jobs (element_instance_key);

CREATE TABLE timers (
    key                  bigint PRIMARY KEY DEFAULT nextval('engine_key_seq'),
    instance_key         bigint      NOT NULL REFERENCES process_instances (key),
    element_instance_key bigint      NOT NULL, -- the activity instance the boundary event is attached to
    boundary_id          text        NOT NULL,
    due_at               timestamptz NOT NULL,
    state                text        NOT NULL CHECK (state IN ('ACTIVE', 'FIRED', 'CANCELED'))
);
CREATE INDEX timers_due ON timers (due_at) WHERE state = 'ACTIVE';
CREATE INDEX timers_element_instance ON timers (element_instance_key);

CREATE TABLE incidents (
    key                  bigint PRIMARY KEY DEFAULT nextval('engine_key_seq'),
    instance_key         bigint      NOT NULL REFERENCES process_instances (key),
    element_instance_key bigint      NOT NULL,
    element_id           text        NOT NULL,
    job_key              bigint,
    error_type           text        NOT NULL,
    message              text        NOT NULL,
    state                text        NOT NULL CHECK (state IN ('ACTIVE', 'RESOLVED')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    resolved_at          timestamptz
);
CREATE INDEX incidents_active ON incidents (key) WHERE state = 'ACTIVE';
CREATE INDEX incidents_instance ON incidents (instance_key);

-- +goose Down
DROP TABLE incidents;
DROP TABLE timers;
DROP TABLE jobs;
DROP TABLE element_instances;
DROP TABLE process_instances;
DROP TABLE process_definitions;
DROP SEQUENCE engine_key_seq;
