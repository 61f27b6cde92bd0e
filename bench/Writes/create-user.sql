-- pgbench script: one CreateUser as the server runs it on PostgreSQL (PostgresUserStore.CreateAsync
-- and PostgresUserRows.WithEvents): the user row and its event row, in one autocommitted statement.
-- Run with -M prepared, as the server's statements are prepared (Max Auto Prepare).
WITH input AS (
    SELECT 'pgbench-' || gen_random_uuid() || '@example.com' AS email
), changed AS (
    INSERT INTO users (name, email, email_key, age, hobbies, status, created_at, updated_at, version, create_request_id)
    SELECT 'Bench User', email, upper(email), 30, ARRAY['chess', 'go'], 1, now(), now(), 1, NULL FROM input
    RETURNING id, name, email, age, hobbies, status, created_at, updated_at, version
), logged AS (
    INSERT INTO user_events (sequence, user_id, kind, actor, request_id, occurred_at, name, email, age, hobbies, status, created_at, updated_at, version)
    SELECT ((pg_current_xact_id()::text::bigint << 24) + row_number() OVER (ORDER BY id) - 1), id, 'created', 'bench', NULL, now(),
           name, email, age, hobbies, status, created_at, updated_at, version
    FROM changed
)
SELECT id, name, email, age, hobbies, status, created_at, updated_at, version FROM changed ORDER BY id;
