-- meta.source_status: how each regional or national source was obtained for the published build: live,
-- replayed snapshot, or fallback to an older snapshot after a failure (values then flagged P).
-- Grain: source.
create table if not exists meta.source_status (
    source varchar primary key,
    origin varchar,
    provisional boolean,
    retrieved_at timestamp,
    warning varchar,
    run_id varchar
);
comment on table meta.source_status is 'Per source: live, snapshot or fallback, when its data were retrieved, and any warning.';
comment on column meta.source_status.source is 'kolada, scb or bolagsverket.';
comment on column meta.source_status.origin is 'live (fetched now), snapshot (offline replay) or fallback (live failed; last good snapshot used).';
comment on column meta.source_status.provisional is 'True when the values are flagged P (fallback or stale).';
comment on column meta.source_status.retrieved_at is 'When the payloads in use were fetched from the source (UTC).';
comment on column meta.source_status.warning is 'Why the source fell back, if it did.';
comment on column meta.source_status.run_id is 'Run that recorded the status.';
