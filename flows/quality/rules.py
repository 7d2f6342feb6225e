"""Turn a dataset contract (``flows.datasets``) into checkable rules on a canonical text frame.

Great Expectations checks columns; some rules (a date that parses, a Luhn check digit) are not
built-in expectations, so each such rule gets a derived boolean column that the suite then expects
to be true. Rules are plain data so the validation report and the quarantine can explain them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from flows.common.identifiers import is_valid_orgnr
from flows.datasets import BOOL, DATE, DECIMAL, INT, TEXT, Dataset

TRUE_VALUES = {"true"}
FALSE_VALUES = {"false"}
PLAUSIBLE_FIRST_YEAR = 1990


@dataclass(frozen=True)
class Rule:
    """One expectation on one column, with the words an analyst reads when it fails."""

    rule_id: str  # e.g. "org_nr:check_digit"; stored in meta.quarantine.rule
    expectation: str  # GX expectation class name
    kwargs: dict
    column: str  # the delivered (canonical) column the reason talks about
    reason: str  # template with {value}

    def explain(self, value: object) -> str:
        shown = "" if value is None or value is pd.NA else str(value)
        return self.reason.format(value=shown, column=self.column)


def _dates(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")


def _numbers(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text, errors="coerce")


def _readable(text: pd.Series, kind: str, parsed: pd.Series | None) -> pd.Series:
    """True where the cell is blank or parses as ``kind``; False where it is unreadable. ``parsed``:
    the column parsed as dates (``_dates``) or numbers (``_numbers``) for those kinds."""
    blank = text.isna()
    if kind == DATE:
        return blank | parsed.notna()
    if kind in (INT,):
        return blank | (parsed.notna() & (parsed == parsed.round()))
    if kind == DECIMAL:
        return blank | parsed.notna()
    if kind == BOOL:
        lowered = text.str.lower()
        return blank | lowered.isin(TRUE_VALUES | FALSE_VALUES)
    return pd.Series(True, index=text.index)


def derive_columns(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """Add the helper columns the rules check (``<col>__readable``, ``<col>__number``, ...)."""
    derived: dict[str, pd.Series] = {}
    for column in dataset.delivered_columns:
        if column.name not in frame.columns:
            continue
        text = frame[column.name]
        # each column parsed once, shared by the rules that read it (the ledger has 8 M rows)
        parsed = (_dates(text) if column.type == DATE else _numbers(text) if column.type in (INT, DECIMAL)
                  else None)
        if column.type != TEXT:
            derived[f"{column.name}__readable"] = _readable(text, column.type, parsed)
        # Plain float64 (NaN for blank or unreadable, which the rules skip as null): Great
        # Expectations compares numpy numbers vectorised, nullable ones one Python call per value.
        if column.type in (INT, DECIMAL) and (column.minimum is not None or column.maximum is not None):
            derived[f"{column.name}__number"] = parsed.astype("float64")
        if column.is_org_nr:
            # Once per distinct value; blank is fine here (the not-null rule judges blanks). Not
            # ``map(...).fillna(True)``: on a column that is blank in every row that raises ArrowInvalid.
            codes, uniques = pd.factorize(text)  # blank -> code -1 -> the last entry below
            valid = [is_valid_orgnr(v) for v in uniques] + [True]
            derived[f"{column.name}__check_digit"] = pd.Series(valid, dtype=bool).iloc[codes].set_axis(text.index)
        if column.name in dataset.plausible_dates:
            years = (parsed if column.type == DATE else _dates(text)).dt.year
            derived[f"{column.name}__year"] = years.astype("float64")
    if "_extra" in frame.columns:
        derived["row__fields_match_header"] = frame["_extra"].isna()
    return frame.assign(**derived) if derived else frame


def rules_for(dataset: Dataset, columns: list[str], municipality_codes: list[str], last_year: int) -> list[Rule]:
    """Every rule that applies to the delivered columns of one dataset."""
    rules: list[Rule] = []
    for c in dataset.delivered_columns:
        if c.name not in columns:
            continue
        if not c.nullable:
            rules.append(Rule(f"{c.name}:required", "ExpectColumnValuesToNotBeNull", {"column": c.name},
                              c.name, "{column} is blank but is required"))
        if c.type != TEXT:
            kind = {DATE: "a date (YYYY-MM-DD)", INT: "a whole number", DECIMAL: "a number",
                    BOOL: "yes/no (true/false)"}[c.type]
            rules.append(Rule(f"{c.name}:type", "ExpectColumnValuesToBeInSet",
                              {"column": f"{c.name}__readable", "value_set": [True]},
                              c.name, "{column} '{value}' cannot be read as " + kind))
        if c.values:
            rules.append(Rule(f"{c.name}:value_set", "ExpectColumnValuesToBeInSet",
                              {"column": c.name, "value_set": list(c.values)}, c.name,
                              "{column} '{value}' is not one of: " + ", ".join(c.values)))
        if c.minimum is not None or c.maximum is not None:
            rng = f"between {c.minimum:g} and {c.maximum:g}" if c.maximum is not None else f"at least {c.minimum:g}"
            rules.append(Rule(f"{c.name}:range", "ExpectColumnValuesToBeBetween",
                              {"column": f"{c.name}__number", "min_value": c.minimum, "max_value": c.maximum},
                              c.name, "{column} {value} is out of range: must be " + rng))
        if c.is_org_nr:
            rules.append(Rule(f"{c.name}:check_digit", "ExpectColumnValuesToBeInSet",
                              {"column": f"{c.name}__check_digit", "value_set": [True]}, c.name,
                              "{column} '{value}' is not a valid organisation number "
                              "(ten digits with a correct check digit)"))
        if c.is_municipality:
            rules.append(Rule(f"{c.name}:known_municipality", "ExpectColumnValuesToBeInSet",
                              {"column": c.name, "value_set": list(municipality_codes)}, c.name,
                              "{column} '{value}' is not a municipality of the county "
                              "(configured: " + ", ".join(municipality_codes) + ")"))
        if c.name in dataset.plausible_dates:
            rules.append(Rule(f"{c.name}:plausible_date", "ExpectColumnValuesToBeBetween",
                              {"column": f"{c.name}__year", "min_value": PLAUSIBLE_FIRST_YEAR,
                               "max_value": last_year + 1}, c.name,
                              "{column} '{value}' is not a plausible date "
                              f"(expected {PLAUSIBLE_FIRST_YEAR}-{last_year + 1})"))
    if dataset.key and all(k in columns for k in dataset.key):
        key = ", ".join(dataset.key)
        rules.append(Rule("key:unique", "ExpectCompoundColumnsToBeUnique",
                          {"column_list": ["_file_id", *dataset.key]}, dataset.key[0],
                          f"the key ({key}) occurs more than once in this delivery"))
    if "_extra" in columns:
        rules.append(Rule("row:fields_match_header", "ExpectColumnValuesToBeInSet",
                          {"column": "row__fields_match_header", "value_set": [True]}, "_extra",
                          "the row has more fields than the header (extra: '{value}')"))
    return rules
