-- core.contribution(org_nr, numerator, denominator, persons): one enterprise's part of an indicator
-- cell, as the struct every municipal cell lists in its contributors. indicators.all_values uses the
-- lists to count an enterprise once in the county (it may be in two municipalities' registers), to
-- count the enterprises behind a money cell and to find the largest one (the dominance rule).
-- Serves every own-data indicator (action plan AP1; Agenda 2030: all targets, proxies).
create or replace macro core.contribution(org_nr, numerator, denominator, persons) as {
    'org_nr': cast(org_nr as varchar),
    'numerator': cast(numerator as double),
    'denominator': cast(denominator as double),
    'persons': cast(persons as double)
};
comment on macro core.contribution is 'One enterprise''s part of an indicator cell: {org_nr, numerator, denominator, persons}.';
