-- export.public_text(text, neutral): delivered free text as it may leave the warehouse. Text holding
-- the pseudonym of a personal identity number (pnr:<16 hex>, in any letter case) is replaced as a
-- whole by the neutral phrase: the words around a pseudonym, a sole trader's name for one, identify
-- the person as well as the number did, and the pseudonym itself is stable from night to night.
-- Every export view that shows delivered text (names, descriptions, titles, ids) passes it through
-- here; free text never becomes a breakdown value at all (closed lists in core and indicators).
-- Serves the council report (action plan AP1; Agenda 2030: all targets, proxies).
create or replace macro export.public_text(text, neutral) as
    case when regexp_matches(text, 'pnr:[0-9a-f]{16}', 'i') then neutral else text end;
comment on macro export.public_text is 'Delivered text as it may be published: replaced by the neutral phrase when it holds a pseudonym (pnr:...) of a personal identity number.';
