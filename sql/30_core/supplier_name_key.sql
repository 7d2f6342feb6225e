-- core.supplier_name_key(name): a supplier's name reduced to what identifies it, so a ledger's
-- "LÄRKAN ODLING EK FÖR" and a register's "Lärkan Odling ek. för." meet: lower case, punctuation
-- and the words of legal forms removed, spaces collapsed. Used to match ledgers without
-- organisation numbers through a reviewed crosswalk, and to propose matches (socek suppliers).
-- Serves SE04, SE05 (action plan AP2d; Agenda 2030 target 12.7, proxy).
create or replace macro core.supplier_name_key(name) as nullif(array_to_string(list_filter(
    string_split(regexp_replace(lower(coalesce(name, '')), '[^0-9a-zåäöéüæø]+', ' ', 'g'), ' '),
    lambda word: word <> '' and word not in ('ab', 'hb', 'kb', 'ek', 'för', 'ekonomisk', 'förening', 'ideell',
                                       'stiftelse', 'stiftelsen', 'aktiebolag', 'handelsbolag', 'upa')), ' '), '');
comment on macro core.supplier_name_key is 'A supplier name reduced for matching: lower case, no punctuation, no legal-form words.';
