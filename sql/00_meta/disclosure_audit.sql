-- meta.disclosure_audit: what disclosure control did in each run (DESIGN §6; docs/disclosure.md).
-- Per run one row with scope 'all' (the whole model: cells, relations, the audit's result, the
-- narrowest interval an attacker can reach for a primary cell, solver time), and one row per
-- indicator and for the cooperation timeline (scope = indicator id or 'timeline') with the
-- information loss: how many published cells were suppressed by the primary rules alone and after
-- secondary suppression. Kept across runs like meta.runs.
-- Grain: run_id, scope. Written by flows/outputs/disclosure/control.py.
-- Action plan AP1 (statistics that can be shared); Agenda 2030: all targets (proxies).
create table if not exists meta.disclosure_audit (
    run_id varchar,
    scope varchar,
    cells bigint,
    missing bigint,
    primary_suppressed bigint,
    secondary_suppressed bigint,
    share_before double,
    share_after double,
    relations bigint,
    checked bigint,
    failures bigint,
    passed boolean,
    narrowest_cell varchar,
    narrowest_relative_width double,
    lps_solved bigint,
    solver_seconds double,
    seconds double,
    protection varchar
);
comment on table meta.disclosure_audit is 'Per run: disclosure control''s audit (scope all) and the information loss per indicator (scope = indicator id, or timeline).';
comment on column meta.disclosure_audit.run_id is 'The run that decided the suppression pattern.';
comment on column meta.disclosure_audit.scope is 'all (the whole model), an indicator id (SE01-SE20), or timeline (the cooperation timeline of the report).';
comment on column meta.disclosure_audit.cells is 'Published cells with a value (missing ones, L or M, not counted).';
comment on column meta.disclosure_audit.missing is 'Cells without a value (obs_status L or M): never published, never suppressed.';
comment on column meta.disclosure_audit.primary_suppressed is 'Cells suppressed by the primary rules (C).';
comment on column meta.disclosure_audit.secondary_suppressed is 'Cells suppressed so that no primary cell can be worked out (D).';
comment on column meta.disclosure_audit.share_before is 'Share of the cells suppressed by the primary rules alone.';
comment on column meta.disclosure_audit.share_after is 'Share of the cells suppressed after secondary suppression.';
comment on column meta.disclosure_audit.relations is 'scope all: linear relations an outsider knows (sex, breakdowns, county sums, shares, named parts, totals over years).';
comment on column meta.disclosure_audit.checked is 'scope all: suppressed cells (published and internal) whose interval the audit computed.';
comment on column meta.disclosure_audit.failures is 'scope all: primary cells an attacker could narrow below their protection interval (0, or nothing is published).';
comment on column meta.disclosure_audit.passed is 'scope all: the audit passed.';
comment on column meta.disclosure_audit.narrowest_cell is 'scope all: the primary cell an attacker can narrow most.';
comment on column meta.disclosure_audit.narrowest_relative_width is 'scope all: its interval''s width relative to max(1, |value|).';
comment on column meta.disclosure_audit.lps_solved is 'scope all: linear programs solved by the audit.';
comment on column meta.disclosure_audit.solver_seconds is 'scope all: seconds in the LP solver (HiGHS).';
comment on column meta.disclosure_audit.seconds is 'scope all: seconds for the whole disclosure step (model, suppression, audit).';
comment on column meta.disclosure_audit.protection is 'scope all: the protection intervals required (persons, money).';
