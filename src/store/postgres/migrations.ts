/**
 * Numbered migrations of the PostgreSQL store, applied in order at start, each in its own
 * transaction, under an advisory lock so replicas starting together do not race (database.ts);
 * `clientflow_migrations` records the ones applied. Each is literal SQL, exactly what ran on every
 * database created since it was released: never edit one, add the next number.
 *
 * The first one is the SQLite store's schema after its ninth migration, so the two backends share
 * their row mapping (store/rows.ts, store/views.ts): the same tables, columns and meanings, with
 * these differences:
 * - times are epoch milliseconds in `bigint`; JSON stays in `text` columns (read back by the same
 *   code as SQLite's);
 * - events are numbered per batch (`events.id` counts up from 1 inside a batch, taken from
 *   `batches.event_seq` under the batch row's lock), because PostgreSQL commits concurrent
 *   transactions in no id order: a global sequence would let a stream resumed after id N miss an
 *   id below N that commits late. Under the row lock, a batch's events commit in id order;
 * - a stage's output is a column of the workflow row, not a table of its own: PostgreSQL rewrites
 *   the whole row at every update anyway, and an upsert into another table cost a row and an
 *   index entry per stage;
 * - no p95 position table: a running batch's p95s are read from its histogram with one windowed
 *   query (postgres/counters.ts).
 */
export const MIGRATIONS: readonly string[] = [
  /* 1: batches with counters, workflows with stage columns, output and leases, results, events,
        idempotency keys, duration histograms, the write probe */ `
CREATE TABLE batches (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id         text NOT NULL UNIQUE,
  status     text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  label      text,
  priority   integer NOT NULL,
  options    text NOT NULL,            -- JSON BatchOptions, as submitted
  max_concurrency integer,             -- copied out of options: the claim reads it
  created_at bigint NOT NULL,
  started_at bigint,
  finished_at bigint,
  total      integer NOT NULL,
  queued     integer NOT NULL,
  running    integer NOT NULL DEFAULT 0,
  succeeded  integer NOT NULL DEFAULT 0,
  failed     integer NOT NULL DEFAULT 0,
  canceled   integer NOT NULL DEFAULT 0,
  finished_runs integer NOT NULL DEFAULT 0,
  fetch_running   integer NOT NULL DEFAULT 0,
  fetch_succeeded integer NOT NULL DEFAULT 0,
  fetch_failed    integer NOT NULL DEFAULT 0,
  fetch_ms_sum    bigint NOT NULL DEFAULT 0,
  fetch_ms_max    bigint,
  process_running   integer NOT NULL DEFAULT 0,
  process_succeeded integer NOT NULL DEFAULT 0,
  process_failed    integer NOT NULL DEFAULT 0,
  process_ms_sum    bigint NOT NULL DEFAULT 0,
  process_ms_max    bigint,
  store_running   integer NOT NULL DEFAULT 0,
  store_succeeded integer NOT NULL DEFAULT 0,
  store_failed    integer NOT NULL DEFAULT 0,
  store_ms_sum    bigint NOT NULL DEFAULT 0,
  store_ms_max    bigint,
  wait_count integer NOT NULL DEFAULT 0,
  wait_sum   bigint NOT NULL DEFAULT 0,
  wait_max   bigint,
  wf_count   integer NOT NULL DEFAULT 0,
  wf_sum     bigint NOT NULL DEFAULT 0,
  wf_max     bigint,
  p95s       text,                     -- JSON, frozen when the batch finishes
  webhook_url text,
  webhook_status text CHECK (webhook_status IN ('pending', 'delivered', 'failed')),
  webhook_attempts integer NOT NULL DEFAULT 0,
  webhook_last_error text,
  webhook_delivered_at bigint,
  webhook_next_at bigint,              -- when the next attempt is due; a claim pushes it to its lease's end
  webhook_claim text,                  -- the token of the attempt in flight
  event_seq  bigint NOT NULL DEFAULT 0 -- the id of the batch's last event
) WITH (fillfactor = 50);  -- the counters change at every commit: HOT updates need room on the page
CREATE INDEX batches_by_status ON batches (status, seq);
CREATE INDEX batches_active ON batches (priority DESC, seq) WHERE status IN ('queued', 'running');
CREATE INDEX batches_webhooks_due ON batches (webhook_next_at) WHERE webhook_status = 'pending' AND webhook_next_at IS NOT NULL;

CREATE TABLE workflows (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id            text NOT NULL UNIQUE,
  batch_seq     bigint NOT NULL REFERENCES batches (seq),
  client_id     text NOT NULL,         -- JSON, so "1" and 1 stay different
  priority      integer NOT NULL,
  status        text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  stage         text CHECK (stage IN ('fetch', 'process', 'store')),
  attempts      integer NOT NULL DEFAULT 0,
  queued_at     bigint NOT NULL,
  started_at    bigint,
  finished_at   bigint,
  lease_owner   text,
  lease_expires bigint,
  lease_epoch   bigint NOT NULL DEFAULT 0,  -- bumped by every claim: writes are fenced on it
  run_after     bigint,                     -- not claimable before this (retry backoff)
  cancel_requested integer NOT NULL DEFAULT 0,
  error         text,                       -- JSON {stage, code, message}
  fetch_status text NOT NULL DEFAULT 'pending' CHECK (fetch_status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
  fetch_attempts integer NOT NULL DEFAULT 0,
  fetch_started_at bigint,
  fetch_finished_at bigint,
  fetch_error text,
  fetch_ms bigint,
  process_status text NOT NULL DEFAULT 'pending' CHECK (process_status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
  process_attempts integer NOT NULL DEFAULT 0,
  process_started_at bigint,
  process_finished_at bigint,
  process_error text,
  process_ms bigint,
  store_status text NOT NULL DEFAULT 'pending' CHECK (store_status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
  store_attempts integer NOT NULL DEFAULT 0,
  store_started_at bigint,
  store_finished_at bigint,
  store_error text,
  store_ms bigint,
  output   text                       -- JSON output of the last succeeded stage: the next one's input
) WITH (fillfactor = 50);  -- room on each page for a row's next version: a stage boundary is a HOT update
CREATE INDEX workflows_by_batch ON workflows (batch_seq, seq);
CREATE INDEX workflows_by_batch_status ON workflows (batch_seq, status, seq);
-- what a dispatcher may claim from a batch: unowned and unfinished, oldest first
CREATE INDEX workflows_runnable ON workflows (batch_seq, seq)
  WHERE lease_owner IS NULL AND status IN ('queued', 'running');
-- every leased row (as many as the replicas run at once): the expiry sweep, and also an owner's
-- own leases and a capped batch's count, which scan it. Every index costs each update that cannot
-- be HOT (a claim, a start, a finish), so the workflows table keeps as few as the reads need.
CREATE INDEX workflows_leased ON workflows (lease_expires) WHERE lease_owner IS NOT NULL;

CREATE TABLE results (
  workflow_seq bigint PRIMARY KEY REFERENCES workflows (seq),
  data         text NOT NULL,
  stored_at    bigint NOT NULL
);

CREATE TABLE idempotency_keys (
  key         text PRIMARY KEY,
  fingerprint text NOT NULL,
  batch_id    text NOT NULL,
  expires_at  bigint NOT NULL
);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

CREATE TABLE events (
  batch_seq    bigint NOT NULL REFERENCES batches (seq),
  id           bigint NOT NULL,        -- 1, 2, 3 … inside the batch: the SSE event id
  type         text NOT NULL,
  at           bigint NOT NULL,
  workflow_seq bigint,
  stage        text,
  attempt      integer,
  duration_ms  bigint,
  extra        text,                   -- JSON of anything else the event carries
  PRIMARY KEY (batch_seq, id)
);

-- How many workflows of a batch took each whole number of milliseconds, per metric
-- (store/timings.ts: 0 queue wait, 1 run time, 2 fetch, 3 process, 4 store).
CREATE TABLE batch_timings (
  batch_seq bigint NOT NULL REFERENCES batches (seq),
  metric    integer NOT NULL CHECK (metric BETWEEN 0 AND 4),
  ms        bigint NOT NULL,
  n         integer NOT NULL,
  PRIMARY KEY (batch_seq, metric, ms)
);

CREATE TABLE store_probe (
  id  integer PRIMARY KEY CHECK (id = 1),
  at  bigint NOT NULL
);
`,
  /* 2: tenants: every batch belongs to one (earlier batches to "default"); API keys, stored as
        hashes; per-tenant quotas */ `
ALTER TABLE batches ADD COLUMN tenant text NOT NULL DEFAULT 'default';
CREATE INDEX batches_by_tenant ON batches (tenant, seq);
CREATE TABLE tenants (
  id         text PRIMARY KEY,
  quotas     text NOT NULL DEFAULT '{}',
  created_at bigint NOT NULL
);
CREATE TABLE api_keys (
  id         text PRIMARY KEY,
  tenant     text NOT NULL REFERENCES tenants (id),
  admin      boolean NOT NULL DEFAULT false,
  hash       text NOT NULL,
  label      text,
  created_at bigint NOT NULL,
  revoked_at bigint
);
CREATE TABLE tenant_totals (
  tenant    text PRIMARY KEY,
  succeeded bigint NOT NULL DEFAULT 0,
  failed    bigint NOT NULL DEFAULT 0,
  canceled  bigint NOT NULL DEFAULT 0
);
INSERT INTO tenant_totals (tenant, succeeded, failed, canceled)
  SELECT tenant, SUM(succeeded), SUM(failed), SUM(canceled) FROM batches WHERE status NOT IN ('queued', 'running') GROUP BY tenant;
`,
  /* 3: retention (postgres/retention.ts): finished batches by when they finished, idempotency keys by batch */ `
CREATE INDEX batches_finished ON batches (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX idempotency_keys_by_batch ON idempotency_keys (batch_id);
`,
  /* 4: flow control per key (postgres/flow-limits.ts): a batch's key, and the named limits with
        their token buckets, read and written in the claim under the key's advisory lock */ `
ALTER TABLE batches ADD COLUMN flow_key text;
CREATE INDEX batches_by_flow_key ON batches (flow_key) WHERE flow_key IS NOT NULL AND status IN ('queued', 'running');
CREATE TABLE flow_limits (
  key         text PRIMARY KEY,
  concurrency integer,
  rate        integer,
  period_ms   bigint,
  burst       integer,
  tokens      double precision NOT NULL DEFAULT 0,
  refilled_at bigint NOT NULL DEFAULT 0,
  throttled   bigint NOT NULL DEFAULT 0
);
`,
  /* 5: what failed across batches (postgres/failures.ts): failed workflows by when they failed,
        batches whose webhook delivery failed by tenant */ `
CREATE INDEX workflows_failed ON workflows (finished_at, seq) WHERE status = 'failed';
CREATE INDEX batches_webhook_failed ON batches (tenant, seq) WHERE webhook_status = 'failed';
`,
  /* 6: schedules (model/schedules.ts, ops/schedules.ts): each schedule with its next tick, and one
        row per tick taken, unique per (schedule, tick) and written in the transaction of the
        tick's batch, so a tick makes at most one batch whatever the replicas */ `
CREATE TABLE schedules (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           text NOT NULL UNIQUE,
  tenant       text NOT NULL,
  name         text,
  spec         text NOT NULL,
  template     text NOT NULL,
  overlap      text NOT NULL CHECK (overlap IN ('skip', 'allow', 'cancel')),
  catch_up     text NOT NULL CHECK (catch_up IN ('none', 'latest', 'all')),
  catch_up_window_ms bigint NOT NULL,
  jitter_ms    bigint NOT NULL DEFAULT 0,
  paused       integer NOT NULL DEFAULT 0,
  anchor_at    bigint NOT NULL,
  next_tick_at bigint,
  next_fire_at bigint,
  last_tick_at bigint,
  last_batch_id text,
  last_error   text,
  created_at   bigint NOT NULL,
  updated_at   bigint NOT NULL
);
CREATE INDEX schedules_by_tenant ON schedules (tenant, seq);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE TABLE schedule_ticks (
  schedule_id text NOT NULL,
  tick_at     bigint NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('fired', 'skipped')),
  batch_id    text,
  reason      text,
  at          bigint NOT NULL,
  PRIMARY KEY (schedule_id, tick_at)
);
`,
  /* 7: the W3C traceparent of the request that submitted a batch (tracing on), so its work joins
        that request's trace on any replica and after a restart */ `
ALTER TABLE batches ADD COLUMN trace_context text;
`,
  /* 8: a flow key paused by the CRM's Retry-After (ops/flow-limits.ts pauseFlow), for every replica's claims */ `
ALTER TABLE flow_limits ADD COLUMN paused_until bigint NOT NULL DEFAULT 0;
ALTER TABLE flow_limits ADD COLUMN pauses bigint NOT NULL DEFAULT 0;
`,
  /* 9: requests per API key in its current window (Tenancy.countRequests), counted by every replica:
        UNLOGGED, a counter per key rewritten on every request needs no WAL and no crash safety */ `
CREATE UNLOGGED TABLE request_counts (
  key        text PRIMARY KEY,
  started_at bigint NOT NULL,
  count      bigint NOT NULL
);
`,
  /* 10: retention per tenant (postgres/retention.ts): finished batches by tenant, then by when they
         finished, so a purge reads only the due batches of the tenants it purges */ `
DROP INDEX IF EXISTS batches_finished;
CREATE INDEX batches_finished ON batches (tenant, finished_at) WHERE finished_at IS NOT NULL;
`,
];
