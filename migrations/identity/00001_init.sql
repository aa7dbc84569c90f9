-- +goose Up
CREATE TABLE users (
    id            UUID PRIMARY KEY,
    username      VARCHAR(100) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(20)  NOT NULL CHECK (role IN ('ADMIN', 'USER')),
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
-- Usernames are unique regardless of case: "Admin" and "admin" are the same account.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- +goose Down
DROP TABLE users;
