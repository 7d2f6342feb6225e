-- raw.procurements: Procurements started by the municipality.
-- Rows exactly as delivered after mapping to canonical columns and passing validation; one row per
-- delivered row, from every delivery (superseded ones too: staging picks the current ones).
-- Grain: _file_id, _row_number. Columns follow the contract in flows/datasets.py.
create table if not exists raw.procurements (
    procurement_id varchar,
    municipality_code varchar,
    published_date date,
    title varchar,
    estimated_value_sek decimal(18,2),
    procedure varchar,
    reserved varchar,
    employment_requirement boolean,
    social_criteria boolean,
    awarded_org_nrs varchar,
    _file_id varchar,
    _source_file varchar,
    _sha256 varchar,
    _row_number bigint,
    _run_id varchar,
    _loaded_at timestamp
);
comment on table raw.procurements is 'Procurements started by the municipality. As delivered, validated, with lineage.';
comment on column raw.procurements.procurement_id is 'Procurement id.';
comment on column raw.procurements.municipality_code is 'Municipality code.';
comment on column raw.procurements.published_date is 'Published date.';
comment on column raw.procurements.title is 'Title.';
comment on column raw.procurements.estimated_value_sek is 'Estimated value sek.';
comment on column raw.procurements.procedure is 'Procedure.';
comment on column raw.procurements.reserved is 'Reserved under LOU 4:18, 19:6a, or none.';
comment on column raw.procurements.employment_requirement is 'Employment requirement.';
comment on column raw.procurements.social_criteria is 'Social criteria.';
comment on column raw.procurements.awarded_org_nrs is '''|''-separated organisation numbers of the winners.';
comment on column raw.procurements._file_id is 'File the row came from (meta.files.file_id).';
comment on column raw.procurements._source_file is 'Path of the delivered file relative to the inbox.';
comment on column raw.procurements._sha256 is 'SHA-256 of the delivered file.';
comment on column raw.procurements._row_number is 'Data row number in the delivered file (1 = first row after the header).';
comment on column raw.procurements._run_id is 'Run that loaded the row (meta.runs.run_id).';
comment on column raw.procurements._loaded_at is 'When the row was loaded (UTC).';
