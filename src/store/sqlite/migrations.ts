/**
 * Numbered migrations, applied in order at open inside one transaction each; `PRAGMA user_version`
 * records the last one applied. Each is literal SQL, exactly what ran on every database created
 * since it was released: never edit one, add the next number. The CHECK lists repeat
 * model/statuses.ts by hand on purpose (a migration must not change when code does);
 * test/store/migrations.test.ts checks that they still agree.
 */
export const MIGRATIONS: readonly string[] = [
  /* 1: batches with incremental counters, workflows with leases, results, idempotency keys */ `
CREATE TABLE batches (
  seq        INTEGER PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  status     TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  label      TEXT,
  priority   INTEGER NOT NULL,
  options    TEXT NOT NULL,           -- JSON BatchOptions, as submitted
  max_concurrency INTEGER,            -- copied out of options: the claim reads it
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  total      INTEGER NOT NULL,
  queued     INTEGER NOT NULL,
  running    INTEGER NOT NULL DEFAULT 0,
  succeeded  INTEGER NOT NULL DEFAULT 0,
  failed     INTEGER NOT NULL DEFAULT 0,
  canceled   INTEGER NOT NULL DEFAULT 0,
  finished_runs INTEGER NOT NULL DEFAULT 0,
  fetch_running   INTEGER NOT NULL DEFAULT 0,
  fetch_succeeded INTEGER NOT NULL DEFAULT 0,
  fetch_failed    INTEGER NOT NULL DEFAULT 0,
  fetch_ms_sum    INTEGER NOT NULL DEFAULT 0,
  fetch_ms_max    INTEGER,
  process_running   INTEGER NOT NULL DEFAULT 0,
  process_succeeded INTEGER NOT NULL DEFAULT 0,
  process_failed    INTEGER NOT NULL DEFAULT 0,
  process_ms_sum    INTEGER NOT NULL DEFAULT 0,
  process_ms_max    INTEGER,
  store_running   INTEGER NOT NULL DEFAULT 0,
  store_succeeded INTEGER NOT NULL DEFAULT 0,
  store_failed    INTEGER NOT NULL DEFAULT 0,
  store_ms_sum    INTEGER NOT NULL DEFAULT 0,
  store_ms_max    INTEGER,
  wait_count INTEGER NOT NULL DEFAULT 0,
  wait_sum   INTEGER NOT NULL DEFAULT 0,
  wait_max   INTEGER,
  wf_count   INTEGER NOT NULL DEFAULT 0,
  wf_sum     INTEGER NOT NULL DEFAULT 0,
  wf_max     INTEGER,
  -- percentiles computed once when the batch finishes (JSON), so a finished batch costs O(1)
  p95s       TEXT
);
CREATE INDEX batches_by_status ON batches (status, seq);

CREATE TABLE workflows (
  seq           INTEGER PRIMARY KEY,
  id            TEXT NOT NULL UNIQUE,
  batch_seq     INTEGER NOT NULL REFERENCES batches (seq),
  client_id     TEXT NOT NULL,          -- JSON, so "1" and 1 stay different
  priority      INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  stage         TEXT CHECK (stage IN ('fetch', 'process', 'store')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  queued_at     INTEGER NOT NULL,
  started_at    INTEGER,
  finished_at   INTEGER,
  lease_owner   TEXT,
  lease_expires INTEGER,
  run_after     INTEGER,                -- not claimable before this (retry backoff)
  cancel_requested INTEGER NOT NULL DEFAULT 0,  -- running when canceled: its engine must abort it
  stages        TEXT,                   -- JSON StageState[]; NULL while untouched (all pending)
  output        TEXT,                   -- JSON output of the last succeeded stage
  error         TEXT,                   -- JSON {stage, code, message}
  fetch_ms      INTEGER,
  process_ms    INTEGER,
  store_ms      INTEGER
);
CREATE INDEX workflows_by_batch ON workflows (batch_seq, seq);
CREATE INDEX workflows_by_batch_status ON workflows (batch_seq, status, seq);
-- what a dispatcher may claim from a batch: unowned and unfinished, oldest first
CREATE INDEX workflows_runnable ON workflows (batch_seq, seq)
  WHERE lease_owner IS NULL AND status IN ('queued', 'running');
CREATE INDEX workflows_leased ON workflows (lease_expires) WHERE lease_owner IS NOT NULL;
CREATE INDEX workflows_leased_by_batch ON workflows (batch_seq) WHERE lease_owner IS NOT NULL;

CREATE TABLE results (
  workflow_id TEXT PRIMARY KEY,
  data        TEXT NOT NULL,
  stored_at   INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
  key         TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,           -- sha256 of the canonical request body
  batch_id    TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
`,
  /* 2: the event log (SSE replay) and a per-claim lease epoch */ `
CREATE TABLE events (
  id        INTEGER PRIMARY KEY,      -- increases in commit order: the SSE event id
  batch_seq INTEGER NOT NULL REFERENCES batches (seq),
  data      TEXT NOT NULL             -- JSON NewEvent (model/events.ts)
);
CREATE INDEX events_by_batch ON events (batch_seq, id);
-- Bumped by every claim: a write carries the epoch it claimed with, so a stale copy of a claim
-- (canceled, retried and claimed again by the same engine) can never write.
ALTER TABLE workflows ADD COLUMN lease_epoch INTEGER NOT NULL DEFAULT 0;
`,
  /* 3: webhooks: a batch's callbackUrl and the state of its delivery (engine/webhooks.ts) */ `
ALTER TABLE batches ADD COLUMN webhook_url TEXT;
ALTER TABLE batches ADD COLUMN webhook_status TEXT CHECK (webhook_status IN ('pending', 'delivered', 'failed'));
ALTER TABLE batches ADD COLUMN webhook_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN webhook_last_error TEXT;
ALTER TABLE batches ADD COLUMN webhook_delivered_at INTEGER;
-- when the next attempt is due; NULL while the batch runs. A claimed attempt pushes it to the end
-- of its lease, so an attempt a crash interrupted is due again once the lease runs out.
ALTER TABLE batches ADD COLUMN webhook_next_at INTEGER;
-- the token of the attempt in flight: its outcome is written only while the token still matches
ALTER TABLE batches ADD COLUMN webhook_claim TEXT;
CREATE INDEX batches_webhooks_due ON batches (webhook_next_at) WHERE webhook_status = 'pending' AND webhook_next_at IS NOT NULL;
`,
  /* 4: a one-row table /readyz rewrites to prove the store can still commit */ `
CREATE TABLE store_probe (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  at  INTEGER NOT NULL,
  pad BLOB                            -- a few pages, so the probe needs room the way real writes do
);
`,
  /* 5: results keyed by the workflow's integer key: appended in claim order, not scattered by a random id */ `
CREATE TABLE results_by_seq (
  workflow_seq INTEGER PRIMARY KEY REFERENCES workflows (seq),
  data         TEXT NOT NULL,
  stored_at    INTEGER NOT NULL
);
INSERT INTO results_by_seq (workflow_seq, data, stored_at)
  SELECT w.seq, r.data, r.stored_at FROM results r JOIN workflows w ON w.id = r.workflow_id;
DROP TABLE results;
ALTER TABLE results_by_seq RENAME TO results;
`,
  /* 6: stage states in columns of their own (a transition rewrites a few integers, not a JSON
        document); a stage's duration is finished_at - started_at */ `
ALTER TABLE workflows ADD COLUMN fetch_status TEXT NOT NULL DEFAULT 'pending'
  CHECK (fetch_status IN ('pending', 'running', 'succeeded', 'failed', 'skipped'));
ALTER TABLE workflows ADD COLUMN fetch_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN fetch_started_at INTEGER;
ALTER TABLE workflows ADD COLUMN fetch_finished_at INTEGER;
ALTER TABLE workflows ADD COLUMN fetch_error TEXT;  -- JSON {code, message} of its last failed attempt
ALTER TABLE workflows ADD COLUMN process_status TEXT NOT NULL DEFAULT 'pending'
  CHECK (process_status IN ('pending', 'running', 'succeeded', 'failed', 'skipped'));
ALTER TABLE workflows ADD COLUMN process_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN process_started_at INTEGER;
ALTER TABLE workflows ADD COLUMN process_finished_at INTEGER;
ALTER TABLE workflows ADD COLUMN process_error TEXT;  -- JSON {code, message} of its last failed attempt
ALTER TABLE workflows ADD COLUMN store_status TEXT NOT NULL DEFAULT 'pending'
  CHECK (store_status IN ('pending', 'running', 'succeeded', 'failed', 'skipped'));
ALTER TABLE workflows ADD COLUMN store_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN store_started_at INTEGER;
ALTER TABLE workflows ADD COLUMN store_finished_at INTEGER;
ALTER TABLE workflows ADD COLUMN store_error TEXT;  -- JSON {code, message} of its last failed attempt
UPDATE workflows SET
  fetch_status = json_extract(stages, '$[0].status'), fetch_attempts = json_extract(stages, '$[0].attempts'),
  fetch_started_at = json_extract(stages, '$[0].startedAt'), fetch_finished_at = json_extract(stages, '$[0].finishedAt'),
  fetch_error = json_extract(stages, '$[0].error'),
  process_status = json_extract(stages, '$[1].status'), process_attempts = json_extract(stages, '$[1].attempts'),
  process_started_at = json_extract(stages, '$[1].startedAt'), process_finished_at = json_extract(stages, '$[1].finishedAt'),
  process_error = json_extract(stages, '$[1].error'),
  store_status = json_extract(stages, '$[2].status'), store_attempts = json_extract(stages, '$[2].attempts'),
  store_started_at = json_extract(stages, '$[2].startedAt'), store_finished_at = json_extract(stages, '$[2].finishedAt'),
  store_error = json_extract(stages, '$[2].error')
WHERE stages IS NOT NULL;
ALTER TABLE workflows DROP COLUMN stages;
`,
  /* 7: compact events: what an event says in columns, the rare rest as JSON; ids joined back on read */ `
CREATE TABLE events_compact (
  id           INTEGER PRIMARY KEY,   -- increases in commit order: the SSE event id
  batch_seq    INTEGER NOT NULL REFERENCES batches (seq),
  type         TEXT NOT NULL,
  at           INTEGER NOT NULL,
  workflow_seq INTEGER,               -- the workflow a workflow or stage event is about
  stage        TEXT,
  attempt      INTEGER,
  duration_ms  INTEGER,
  extra        TEXT                   -- JSON of anything else the event carries; NULL when nothing
);
INSERT INTO events_compact (id, batch_seq, type, at, workflow_seq, stage, attempt, duration_ms, extra)
  SELECT e.id, e.batch_seq, json_extract(e.data, '$.type'), json_extract(e.data, '$.at'), w.seq,
         json_extract(e.data, '$.stage'), json_extract(e.data, '$.attempt'), json_extract(e.data, '$.durationMs'),
         NULLIF(json_remove(e.data, '$.type', '$.at', '$.batchId', '$.workflowId', '$.clientId', '$.stage', '$.attempt', '$.durationMs'), '{}')
  FROM events e LEFT JOIN workflows w ON w.id = json_extract(e.data, '$.workflowId');
DROP TABLE events;
ALTER TABLE events_compact RENAME TO events;
CREATE INDEX events_by_batch ON events (batch_seq, id);
`,
  /* 8: stage outputs apart from the workflow row: written once per stage, read only when a claim resumes */ `
CREATE TABLE outputs (
  workflow_seq INTEGER PRIMARY KEY REFERENCES workflows (seq),
  data         TEXT NOT NULL          -- JSON output of the workflow's last succeeded stage
);
INSERT INTO outputs (workflow_seq, data) SELECT seq, output FROM workflows WHERE output IS NOT NULL;
ALTER TABLE workflows DROP COLUMN output;
`,
  /* 9: per-batch duration histograms and where their p95s sit (sqlite/timings.ts), so a running
     batch's p95s read no workflow rows */ `
-- How many workflows (n) of a batch took each whole number of milliseconds (ms), per metric:
-- 0 queue wait (started_at - queued_at), 1 run time (finished_at - started_at), 2 fetch_ms,
-- 3 process_ms, 4 store_ms. A value no workflow has any more leaves no row.
CREATE TABLE batch_timings (
  batch_seq INTEGER NOT NULL REFERENCES batches (seq),
  metric    INTEGER NOT NULL CHECK (metric BETWEEN 0 AND 4),
  ms        INTEGER NOT NULL,
  n         INTEGER NOT NULL,
  PRIMARY KEY (batch_seq, metric, ms)
) WITHOUT ROWID;
-- Where each metric's p95 sits in batch_timings: its value (ms) and how many values lie above it
-- (above), moved by every change. None until a metric's first change after this migration (a
-- read walks the histogram meanwhile).
CREATE TABLE batch_p95s (
  batch_seq INTEGER NOT NULL REFERENCES batches (seq),
  metric    INTEGER NOT NULL CHECK (metric BETWEEN 0 AND 4),
  ms        INTEGER NOT NULL,
  above     INTEGER NOT NULL,
  PRIMARY KEY (batch_seq, metric)
) WITHOUT ROWID;
-- The batches written before these tables: the values their rows hold, clamped at 0 as the
-- counters clamp them.
INSERT INTO batch_timings (batch_seq, metric, ms, n)
  SELECT batch_seq, 0, MAX(0, started_at - queued_at), count(*) FROM workflows
    WHERE started_at IS NOT NULL GROUP BY batch_seq, MAX(0, started_at - queued_at)
  UNION ALL
  SELECT batch_seq, 1, MAX(0, finished_at - started_at), count(*) FROM workflows
    WHERE finished_at IS NOT NULL AND started_at IS NOT NULL GROUP BY batch_seq, MAX(0, finished_at - started_at)
  UNION ALL
  SELECT batch_seq, 2, fetch_ms, count(*) FROM workflows WHERE fetch_ms IS NOT NULL GROUP BY batch_seq, fetch_ms
  UNION ALL
  SELECT batch_seq, 3, process_ms, count(*) FROM workflows WHERE process_ms IS NOT NULL GROUP BY batch_seq, process_ms
  UNION ALL
  SELECT batch_seq, 4, store_ms, count(*) FROM workflows WHERE store_ms IS NOT NULL GROUP BY batch_seq, store_ms;
`,
  /* 10: tenants: every batch belongs to one (earlier batches to "default"); API keys, stored as
         hashes; per-tenant quotas */ `
ALTER TABLE batches ADD COLUMN tenant TEXT NOT NULL DEFAULT 'default';
CREATE INDEX batches_by_tenant ON batches (tenant, seq);
CREATE TABLE tenants (
  id         TEXT PRIMARY KEY,
  quotas     TEXT NOT NULL DEFAULT '{}',  -- JSON: the fields set for this tenant (model/tenants.ts Quotas)
  created_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,            -- the public part of the key
  tenant     TEXT NOT NULL REFERENCES tenants (id),
  admin      INTEGER NOT NULL DEFAULT 0,
  hash       TEXT NOT NULL,               -- hex SHA-256 of the whole key; the key itself is never stored
  label      TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
-- Workflows of each tenant's finished batches by final status, added once when a batch finishes
-- (taken back if a retry reopens it): totals for /metrics sum only active batches live.
CREATE TABLE tenant_totals (
  tenant    TEXT PRIMARY KEY,
  succeeded INTEGER NOT NULL DEFAULT 0,
  failed    INTEGER NOT NULL DEFAULT 0,
  canceled  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO tenant_totals (tenant, succeeded, failed, canceled)
  SELECT tenant, SUM(succeeded), SUM(failed), SUM(canceled) FROM batches WHERE status NOT IN ('queued', 'running') GROUP BY tenant;
`,
  /* 11: retention (sqlite/retention.ts): finished batches by when they finished, idempotency keys
         by batch, and the batches deleted whose workflows and events are still being deleted */ `
CREATE INDEX batches_finished ON batches (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX idempotency_keys_by_batch ON idempotency_keys (batch_id);
-- A batch's row goes first, in one small transaction: from then on nothing reads its workflows,
-- results, outputs or events (every read joins the batch row), and they are deleted a chunk at a
-- time; its key stays here until the last is gone.
CREATE TABLE purged_batches (
  batch_seq INTEGER PRIMARY KEY
);
`,
  /* 12: flow control per key (model/flow-limits.ts): a batch's key, and the named limits with
         their token buckets, read and written in the claim */ `
ALTER TABLE batches ADD COLUMN flow_key TEXT;
CREATE INDEX batches_by_flow_key ON batches (flow_key) WHERE flow_key IS NOT NULL AND status IN ('queued', 'running');
CREATE TABLE flow_limits (
  key         TEXT PRIMARY KEY,
  concurrency INTEGER,
  rate        INTEGER,
  period_ms   INTEGER,
  burst       INTEGER,
  tokens      REAL NOT NULL DEFAULT 0,
  refilled_at INTEGER NOT NULL DEFAULT 0,
  throttled   INTEGER NOT NULL DEFAULT 0
);
`,
  /* 13: the workflows table again, its CHECKs written as OR chains: SQLite builds a table for an
         IN list each time a CHECK runs, so the five IN-list CHECKs cost a transition's UPDATE
         more than half its time (3.3 µs each, against 0.1 µs for the same test as ORs); and one
         index of the leased rows where there were two */ `
CREATE TABLE workflows_13 (
  seq              INTEGER PRIMARY KEY,
  id               TEXT NOT NULL UNIQUE,
  batch_seq        INTEGER NOT NULL REFERENCES batches (seq),
  client_id        TEXT NOT NULL,          -- JSON, so "1" and 1 stay different
  priority         INTEGER NOT NULL,
  status           TEXT NOT NULL CHECK (status = 'queued' OR status = 'running' OR status = 'succeeded' OR status = 'failed' OR status = 'canceled'),
  stage            TEXT CHECK (stage = 'fetch' OR stage = 'process' OR stage = 'store'),
  attempts         INTEGER NOT NULL DEFAULT 0,
  queued_at        INTEGER NOT NULL,
  started_at       INTEGER,
  finished_at      INTEGER,
  lease_owner      TEXT,
  lease_expires    INTEGER,
  run_after        INTEGER,                -- not claimable before this (retry backoff)
  cancel_requested INTEGER NOT NULL DEFAULT 0,  -- running when canceled: its engine must abort it
  error            TEXT,                   -- JSON {stage, code, message}
  fetch_ms         INTEGER,
  process_ms       INTEGER,
  store_ms         INTEGER,
  lease_epoch      INTEGER NOT NULL DEFAULT 0,
  fetch_status     TEXT NOT NULL DEFAULT 'pending'
    CHECK (fetch_status = 'pending' OR fetch_status = 'running' OR fetch_status = 'succeeded' OR fetch_status = 'failed' OR fetch_status = 'skipped'),
  fetch_attempts   INTEGER NOT NULL DEFAULT 0,
  fetch_started_at INTEGER,
  fetch_finished_at INTEGER,
  fetch_error      TEXT,                   -- JSON {code, message} of its last failed attempt
  process_status   TEXT NOT NULL DEFAULT 'pending'
    CHECK (process_status = 'pending' OR process_status = 'running' OR process_status = 'succeeded' OR process_status = 'failed' OR process_status = 'skipped'),
  process_attempts INTEGER NOT NULL DEFAULT 0,
  process_started_at INTEGER,
  process_finished_at INTEGER,
  process_error    TEXT,
  store_status     TEXT NOT NULL DEFAULT 'pending'
    CHECK (store_status = 'pending' OR store_status = 'running' OR store_status = 'succeeded' OR store_status = 'failed' OR store_status = 'skipped'),
  store_attempts   INTEGER NOT NULL DEFAULT 0,
  store_started_at INTEGER,
  store_finished_at INTEGER,
  store_error      TEXT
);
INSERT INTO workflows_13 (seq, id, batch_seq, client_id, priority, status, stage, attempts, queued_at, started_at,
    finished_at, lease_owner, lease_expires, run_after, cancel_requested, error, fetch_ms, process_ms, store_ms, lease_epoch,
    fetch_status, fetch_attempts, fetch_started_at, fetch_finished_at, fetch_error,
    process_status, process_attempts, process_started_at, process_finished_at, process_error,
    store_status, store_attempts, store_started_at, store_finished_at, store_error)
  SELECT seq, id, batch_seq, client_id, priority, status, stage, attempts, queued_at, started_at,
    finished_at, lease_owner, lease_expires, run_after, cancel_requested, error, fetch_ms, process_ms, store_ms, lease_epoch,
    fetch_status, fetch_attempts, fetch_started_at, fetch_finished_at, fetch_error,
    process_status, process_attempts, process_started_at, process_finished_at, process_error,
    store_status, store_attempts, store_started_at, store_finished_at, store_error
  FROM workflows ORDER BY seq;
DROP TABLE workflows;
ALTER TABLE workflows_13 RENAME TO workflows;
CREATE INDEX workflows_by_batch ON workflows (batch_seq, seq);
CREATE INDEX workflows_by_batch_status ON workflows (batch_seq, status, seq);
-- what a dispatcher may claim from a batch: unowned and unfinished, oldest first (an index's IN
-- list is not rebuilt per row, so it stays as the claim query names it)
CREATE INDEX workflows_runnable ON workflows (batch_seq, seq)
  WHERE lease_owner IS NULL AND status IN ('queued', 'running');
-- The leased rows (as many as run at once), by batch: the counts per batch, tenant and flow key
-- search it, the sweep for expired leases walks it whole. One index where there were two: a
-- claim, a release and a renewal each update one.
CREATE INDEX workflows_leased ON workflows (batch_seq, lease_expires) WHERE lease_owner IS NOT NULL;
`,
  /* 14: what failed across batches (sqlite/failures.ts): failed workflows by when they failed,
         batches whose webhook delivery failed by tenant */ `
CREATE INDEX workflows_failed ON workflows (finished_at, seq) WHERE status = 'failed';
CREATE INDEX batches_webhook_failed ON batches (tenant, seq) WHERE webhook_status = 'failed';
`,
  /* 15: schedules (model/schedules.ts, ops/schedules.ts): each schedule with its next tick, and
         one row per tick taken, unique per (schedule, tick) and written in the transaction of the
         tick's batch, so a tick makes at most one batch whatever the processes */ `
CREATE TABLE schedules (
  seq          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  tenant       TEXT NOT NULL,
  name         TEXT,
  spec         TEXT NOT NULL,         -- JSON {cron, timezone} or {everyMs}
  template     TEXT NOT NULL,         -- JSON: the batch a tick submits
  overlap      TEXT NOT NULL CHECK (overlap IN ('skip', 'allow', 'cancel')),
  catch_up     TEXT NOT NULL CHECK (catch_up IN ('none', 'latest', 'all')),
  catch_up_window_ms INTEGER NOT NULL,
  jitter_ms    INTEGER NOT NULL DEFAULT 0,
  paused       INTEGER NOT NULL DEFAULT 0,
  anchor_at    INTEGER NOT NULL,      -- interval ticks fall on anchor_at + k * everyMs
  next_tick_at INTEGER,               -- null: paused, or no later run
  next_fire_at INTEGER,               -- next_tick_at plus its jitter: when a scheduler takes it
  last_tick_at INTEGER,
  last_batch_id TEXT,
  last_error   TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX schedules_by_tenant ON schedules (tenant, seq);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE TABLE schedule_ticks (
  schedule_id TEXT NOT NULL,
  tick_at     INTEGER NOT NULL,
  outcome     TEXT NOT NULL CHECK (outcome IN ('fired', 'skipped')),
  batch_id    TEXT,
  reason      TEXT,
  at          INTEGER NOT NULL,
  PRIMARY KEY (schedule_id, tick_at)
);
`,
  /* 16: the W3C traceparent of the request that submitted a batch (tracing on), so its work joins
         that request's trace on any replica and after a restart */ `
ALTER TABLE batches ADD COLUMN trace_context TEXT;
`,
  /* 17: event ids per batch (sqlite/events.ts): a global id let a tenant count the other tenants'
         events between two of its own. The row key stays (the published fence, retention). */ `
ALTER TABLE events ADD COLUMN n INTEGER;
UPDATE events SET n = r.n FROM (SELECT id, row_number() OVER (PARTITION BY batch_seq ORDER BY id) AS n FROM events) AS r
  WHERE r.id = events.id;
DROP INDEX IF EXISTS events_by_batch;
CREATE UNIQUE INDEX events_by_batch_n ON events (batch_seq, n);
ALTER TABLE batches ADD COLUMN event_seq INTEGER NOT NULL DEFAULT 0;
UPDATE batches SET event_seq = (SELECT coalesce(max(n), 0) FROM events WHERE batch_seq = batches.seq);
`,
  /* 18: a flow key paused by the CRM's Retry-After (ops/flow-limits.ts pauseFlow), for every claim */ `
ALTER TABLE flow_limits ADD COLUMN paused_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE flow_limits ADD COLUMN pauses INTEGER NOT NULL DEFAULT 0;
`,
  /* 19: retention per tenant (sqlite/retention.ts): finished batches by tenant, then by when they
         finished, so a purge reads only the due batches of the tenants it purges */ `
DROP INDEX IF EXISTS batches_finished;
CREATE INDEX batches_finished ON batches (tenant, finished_at) WHERE finished_at IS NOT NULL;
`,
  /* 20: the event log in chunks (sqlite/events.ts): a batch's events of one commit in one row, at
         most 256, instead of a row and an index entry each; the view events shows them one a row */ `
CREATE TABLE event_chunks (
  id        INTEGER PRIMARY KEY,      -- grows in commit order: reads stop at the last published one
  batch_seq INTEGER NOT NULL REFERENCES batches (seq),
  first_n   INTEGER NOT NULL,         -- the ids (per batch) of its first and last event
  last_n    INTEGER NOT NULL,
  body      TEXT NOT NULL             -- JSON [[type, at, workflow_seq, stage, attempt, duration_ms, extra], ...]
);
CREATE UNIQUE INDEX event_chunks_by_batch ON event_chunks (batch_seq, last_n);
INSERT INTO event_chunks (id, batch_seq, first_n, last_n, body)
  SELECT max(id), batch_seq, min(n), max(n),
    json_group_array(json_array(type, at, workflow_seq, stage, attempt, duration_ms, extra) ORDER BY n)
  FROM events GROUP BY batch_seq, (n - 1) / 256;
DROP TABLE events;
CREATE VIEW events (batch_seq, n, type, at, workflow_seq, stage, attempt, duration_ms, extra) AS
  SELECT c.batch_seq, c.first_n + e.key, e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3,
    e.value ->> 4, e.value ->> 5, e.value ->> 6
  FROM event_chunks AS c, json_each(c.body) AS e;
`,
];
