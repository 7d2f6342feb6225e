"""Excel templates for the hand-kept registers: written from the contracts, filled the way Excel stores
values, and read back exactly by the canonical-sv path; valid in openpyxl and python-calamine."""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pytest

from flows.cli import EXIT_OK, main
from flows.datasets import BOOL, DATASETS, DATE, DECIMAL, INT, Column
from flows.intake.canonical import read_delivery
from flows.intake.labels import WORDS, words_for
from flows.intake.profiles import get_profile, header_key
from flows.intake.templates import FIRST_ROW, template_datasets, write_template
from tests.conftest import ROOT

KEY = b"test-key-not-a-secret"
CODES = ["1814", "1880"]
CONFIG = str(ROOT / "config/pipeline.toml")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def test_a_template_for_every_hand_kept_register():
    assert template_datasets() == ["enterprises", "agreements", "procurements", "grants", "support_activities",
                                   "placements", "annual_reports", "municipal_actions",
                                   "supplier_crosswalk"]


def test_every_dataset_has_swedish_words_for_every_column():
    """A new dataset gets a template automatically; this says which Swedish words it still lacks."""
    for name, contract in DATASETS.items():
        assert name in WORDS, f"{name}: no Swedish words in flows/intake/labels.py"
        words = WORDS[name].columns
        missing = [c.name for c in contract.delivered_columns if c.name not in words]
        assert not missing, f"{name}: no Swedish label or help for {missing}"
        keys = [header_key(w.label) for w in words.values()]
        assert len(set(keys)) == len(keys), f"{name}: two columns share a Swedish label"
        others = {header_key(c.name) for c in contract.columns}
        for column, text in words.items():
            assert header_key(text.label) not in others - {header_key(column)}, (name, column)
            assert len(text.help) <= 255 and text.help, (name, column)  # Excel's limit for an input message
            assert set(text.values) <= set(contract.column(column).values or ()), (name, column)
        for column in contract.delivered_columns:
            if column.values and words[column.name].values:
                assert set(words[column.name].values) == set(column.values), (name, column.name)


def excel_cell(dataset: str, column: Column, row: int) -> tuple[object, str | None, str | None]:
    """(value as Excel stores it, its number format, the canonical text it must read back as).
    Row 1 leaves every column blank that may be blank."""
    if row == 1 and (column.nullable or not column.required):
        return None, None, None
    if column.values:
        code = column.values[row % len(column.values)]
        return words_for(dataset, column.name).values.get(code, code), None, code  # the drop-down's label
    if column.type == DATE:
        day = dt.date(2024, 3, 1) + dt.timedelta(days=40 * row)
        return float((day - EXCEL_EPOCH).days), "yyyy-mm-dd", day.isoformat()  # a date is a serial number
    if column.type == INT:
        value = 2024 + row if column.name == "year" else 12 + row
        return float(value), None, str(value)  # Excel stores every number as a float
    if column.type == DECIMAL:
        return (1234.5, None, "1234.5") if row == 0 else (25000.0, None, "25000")
    if column.type == BOOL:
        return ("Ja", None, "true") if row == 0 else ("Nej", None, "false")
    if column.is_org_nr:
        return ("556036-0793", "@", "5560360793") if row == 0 else ("2120001967", "@", "2120001967")
    if column.is_municipality:
        return "1814", "@", "1814"
    if column.name == "awarded_org_nrs":
        return "5560360793|2120001967", "@", "5560360793|2120001967"
    text = f"Text {column.name} {row} åäö"
    return text, "@", text


@pytest.mark.parametrize("dataset", template_datasets())
def test_a_filled_template_reads_back_exactly_with_canonical_sv(tmp_path, dataset):
    from openpyxl import load_workbook

    path = write_template(dataset, tmp_path / f"{dataset}.xlsx", CODES)
    workbook = load_workbook(path)
    sheet = workbook["Data"]
    contract = DATASETS[dataset]
    expected: dict[str, list[str | None]] = {c.name: [] for c in contract.delivered_columns}
    for row in range(2):
        for index, column in enumerate(contract.delivered_columns, start=1):
            value, number_format, canonical = excel_cell(dataset, column, row)
            cell = sheet.cell(row=FIRST_ROW + row, column=index, value=value)
            if number_format:
                cell.number_format = number_format
            expected[column.name].append(canonical)
    workbook.save(path)

    table = read_delivery(path, dataset, "canonical-sv", "1814", KEY)
    frame = table.frame
    assert table.unmapped_columns == () and len(frame) == 2
    for name, values in expected.items():
        got = [None if pd.isna(value) else value for value in frame[name].tolist()]
        assert got == values, (dataset, name)
    assert frame["_row_number"].tolist() == [1, 2]

    from flows.quality.validate import (
        validate_batch,  # every filled value passes the contract's rules
    )

    outcome = validate_batch(frame.assign(_file_id="f"), contract, CODES, 2100)
    assert outcome.quarantine.empty, outcome.quarantine[["row_number", "rule", "reason"]].to_dict("records")


@pytest.mark.parametrize("dataset", template_datasets())
def test_each_workbook_loads_cleanly_in_openpyxl_and_calamine_with_its_validations(tmp_path, dataset):
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    path = write_template(dataset, tmp_path / f"{dataset}.xlsx", CODES)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        workbook = load_workbook(path)
    assert [str(w.message) for w in caught] == []
    assert workbook.sheetnames[0] == "Data" and {"Exempel", "Instruktioner"} <= set(workbook.sheetnames)
    assert workbook["Listor"].sheet_state == "hidden"

    contract = DATASETS[dataset]
    letters = {column.name: sheet_letter(index) for index, column in enumerate(contract.delivered_columns, start=1)}
    validations = {str(v.sqref).split(":")[0]: v for v in workbook["Data"].data_validations.dataValidation}
    for column in contract.delivered_columns:
        rule = validations[f"{letters[column.name]}{FIRST_ROW}"]
        assert rule.showInputMessage and rule.prompt and rule.promptTitle, column.name
        assert len(rule.prompt) <= 255 and len(rule.promptTitle) <= 32
        assert rule.type == expected_type(column), column.name
        if rule.type == "list":
            listed = list_values(workbook, rule.formula1)
            labels = WORDS[dataset].columns[column.name].values
            assert listed == ([labels.get(c, c) for c in column.values] if column.values
                              else ["Ja", "Nej"] if column.type == BOOL else CODES), column.name

    calamine = CalamineWorkbook.from_path(str(path))
    assert calamine.sheet_names[:3] == ["Data", "Exempel", "Instruktioner"]
    rows = calamine.get_sheet_by_name("Data").to_python()
    assert rows[1] == [WORDS[dataset].columns[c.name].label for c in contract.delivered_columns]
    example = calamine.get_sheet_by_name("Exempel").to_python()
    assert len(example) == 3 and example[0][0].startswith("EXEMPEL")


def test_the_example_row_is_itself_a_valid_delivery(tmp_path):
    path = write_template("grants", tmp_path / "bidrag.xlsx", CODES)
    profile = get_profile("canonical-sv")
    example = profile.model_copy(update={"file": profile.file.model_copy(update={"sheet": "Exempel"})})
    frame = read_delivery(path, "grants", example, "1814", KEY).frame
    assert frame["grant_type"].tolist() == ["association_grant"] and frame["decision_date"].tolist() == ["2025-03-01"]
    assert read_delivery(path, "grants", "canonical-sv", "1814", KEY).frame.empty  # the Data sheet is blank


def test_socek_template_command_writes_the_workbook(tmp_path, capsys):
    out = tmp_path / "mallar" / "bidrag.xlsx"
    assert main(["--config", CONFIG, "template", "grants", "--out", str(out)]) == EXIT_OK
    assert out.is_file() and str(out) in capsys.readouterr().out
    assert main(["--config", CONFIG, "template", "all", "--out", str(tmp_path / "alla")]) == EXIT_OK
    assert sorted(p.name for p in (tmp_path / "alla").iterdir()) == sorted(
        f"{WORDS[d].file_stem}-mall.xlsx" for d in template_datasets())


def test_template_help_lists_the_datasets(capsys):
    with pytest.raises(SystemExit):
        main(["template", "--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in template_datasets()) and "supplier_invoices" not in out


def sheet_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def expected_type(column: Column) -> str | None:
    if column.values or column.type == BOOL or column.is_municipality:
        return "list"
    if column.type == DATE:
        return "date"
    if column.type in (INT, DECIMAL) and column.minimum is not None:
        return "whole" if column.type == INT else "decimal"
    if column.is_org_nr:
        return "custom"
    return None


def list_values(workbook, formula: str) -> list[str]:
    sheet_name, cells = formula.split("!")
    first, last = cells.replace("$", "").split(":")
    return [row[0].value for row in workbook[sheet_name][first:last]]
