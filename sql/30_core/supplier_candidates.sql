-- core.supplier_candidates: the suppliers in a municipality's ledger that socek cannot identify (no
-- organisation number, no reviewed crosswalk entry), with their postings and net total, and the
-- register enterprise whose name is most like theirs as a proposed match (core.supplier_name_key,
-- Jaro-Winkler similarity; proposed at 0.9 or more). A person reviews the proposals (socek suppliers)
-- and delivers the accepted ones as the municipality's supplier crosswalk; nothing is matched here.
-- Sole traders (pseudonymised identity numbers) are never proposed. Internal: never exported.
-- Grain: municipality_code, supplier_name, supplier_internal_id.
-- Sources: core.purchase_totals, core.enterprises.
-- Serves SE04, SE05 through the crosswalk (action plan AP2d; Agenda 2030 target 12.7, proxy).
create or replace view core.supplier_candidates as
with unmatched as (
    select municipality_code, supplier_name, supplier_internal_id,
           core.supplier_name_key(supplier_name) as name_key,
           cast(sum(postings) as bigint) as postings, sum(amount_sek) as amount_sek,
           min(first_posting) as first_posting, max(last_posting) as last_posting
    from core.purchase_totals
    where supplier_org_nr is null and supplier_kind <> 'pseudonym' and supplier_name is not null
    group by all
),
register as (
    select municipality_code, org_nr, name, core.supplier_name_key(name) as name_key
    from core.enterprises
),
scored as (
    select u.*, r.org_nr as register_org_nr, r.name as register_name,
           jaro_winkler_similarity(u.name_key, r.name_key) as similarity
    from unmatched as u
    left join register as r on r.municipality_code = u.municipality_code
    qualify row_number() over (partition by u.municipality_code, u.supplier_name, u.supplier_internal_id
                               order by similarity desc nulls last, r.org_nr) = 1
),
final as (
    select
        municipality_code, supplier_name, supplier_internal_id, postings, amount_sek, first_posting, last_posting,
        case when similarity >= 0.9 then register_org_nr end as proposed_org_nr,
        case when similarity >= 0.9 then register_name end as proposed_name,
        round(similarity, 3) as similarity
    from scored
)
select * from final;
comment on view core.supplier_candidates is 'Unidentified ledger suppliers per municipality with postings, net total and the register enterprise proposed as their match (for review: socek suppliers).';
comment on column core.supplier_candidates.municipality_code is 'Kommunkod of the buying municipality.';
comment on column core.supplier_candidates.supplier_name is 'Supplier name as in the ledger.';
comment on column core.supplier_candidates.supplier_internal_id is 'The ledger''s own supplier number, if any.';
comment on column core.supplier_candidates.postings is 'Postings to the supplier in the current ledger deliveries.';
comment on column core.supplier_candidates.amount_sek is 'Net total paid to the supplier (SEK).';
comment on column core.supplier_candidates.first_posting is 'Earliest posting date.';
comment on column core.supplier_candidates.last_posting is 'Latest posting date.';
comment on column core.supplier_candidates.proposed_org_nr is 'Organisation number of the register enterprise proposed as the match (similarity 0.9 or more); NULL when none is close.';
comment on column core.supplier_candidates.proposed_name is 'Name of the proposed enterprise in the register.';
comment on column core.supplier_candidates.similarity is 'Jaro-Winkler similarity of the reduced names (1 = identical) to the closest register name.';
