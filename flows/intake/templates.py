"""``socek template DATASET``: an Excel workbook in Swedish for a register an official keeps by hand.

Made from the dataset's contract (``flows/datasets.py``) and its Swedish words (``labels.py``), so
a new dataset gets a template without new code. The workbook:

- **Data** (the first sheet, the one the inbox reads): a title row, the header (Swedish labels, which
  every profile accepts as the canonical columns), and Excel data validation on every column:
  drop-down lists for value sets, yes/no and municipality codes, dates between 1990 and 2100,
  whole numbers and non-negative amounts within the contract's range, organisation numbers of
  10 digits; each column's help text as an input message. Text columns (identifiers, org numbers,
  codes) are formatted as text, so Excel keeps ``0180`` and ``01110`` as typed.
- **Exempel**: the same header with one example row, marked as an example (the inbox never reads it).
- **Instruktioner**: what each column means and whether it is required, who fills it in, when to
  deliver, where to put the file and how to check it before sending.
- **Listor** (hidden): the drop-down lists.

Filled in, the Data sheet is read back exactly by the ``canonical-sv`` profile (the header is found
below the title row, Swedish labels map to canonical columns and value labels to codes).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows.common.identifiers import format_orgnr, luhn_check_digit
from flows.datasets import BOOL, DATASETS, DATE, DECIMAL, INT, Column, Dataset
from flows.intake.labels import WORDS, DatasetWords, Words, words_for

# Datasets exported from a system rather than kept by hand: no template.
SYSTEM_EXPORTS = ("supplier_invoices",)
FIRST_ROW, LAST_ROW = 3, 10_002  # the data area the validations cover (row 2 is the header)
DATE_FORMAT = "yyyy-mm-dd"
MIN_DATE, MAX_DATE = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
YES, NO = "Ja", "Nej"
_EXAMPLE_ORGNR = format_orgnr("802400000" + str(luhn_check_digit("802400000")))
_EXAMPLE_TEXT = {
    "name": "Exempelföreningen ekonomisk förening", "title": "Städtjänster med sysselsättningskrav",
    "referrer": "Arbetsmarknadsenheten", "arranger": "Näringslivsenheten", "procedure": "förenklat förfarande",
    "description": "Arbetsträningsplatser i kommunens caféer", "note": "", "legal_form": "EK", "sni": "88990",
}
_HEADER_FILL, _REQUIRED_FILL, _EXAMPLE_FILL = "DDEBF7", "FCE4D6", "F2F2F2"


def template_datasets() -> list[str]:
    """Every dataset a municipality keeps by hand (all but the system exports)."""
    return [name for name in DATASETS if name not in SYSTEM_EXPORTS]


def default_file_name(dataset: str) -> str:
    return f"{_words(dataset).file_stem}-mall.xlsx"


def write_template(dataset: str, out: Path, municipality_codes: list[str]) -> Path:
    """Write the template workbook of ``dataset`` to ``out`` (see the module docstring)."""
    from openpyxl import Workbook

    if dataset not in template_datasets():
        raise ValueError(f"no template for {dataset!r}; templates exist for {', '.join(template_datasets())}")
    contract, words = DATASETS[dataset], _words(dataset)
    workbook = Workbook()
    data = workbook.active
    data.title = "Data"
    lists = workbook.create_sheet("Listor")
    lists.sheet_state = "hidden"
    ranges = _write_lists(lists, contract, municipality_codes)
    _write_data_sheet(data, contract, words, ranges)
    _write_example_sheet(workbook.create_sheet("Exempel"), contract, words, municipality_codes)
    _write_instructions(workbook.create_sheet("Instruktioner"), contract, words)
    workbook.move_sheet("Listor", offset=3)
    workbook.active = 0
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)
    return out


def _words(dataset: str) -> DatasetWords:
    """The Swedish words of a dataset, or plain fallbacks from its contract when the table has none."""
    if dataset in WORDS:
        return WORDS[dataset]
    contract = DATASETS[dataset]
    return DatasetWords(dataset, dataset, "Den som för registret i kommunen.", "Enligt överenskommelse.",
                        {c.name: Words(c.name, c.description) for c in contract.delivered_columns})


def _column_words(dataset: str, column: Column) -> Words:
    return words_for(dataset, column.name) or Words(column.name, column.description)


def _choices(dataset: str, column: Column, municipality_codes: list[str]) -> list[str] | None:
    """The drop-down values of a column (what the official picks), or None for a free column."""
    if column.values:
        labels = _column_words(dataset, column).values
        return [labels.get(code, code) for code in column.values]
    if column.type == BOOL:
        return [YES, NO]
    if column.is_municipality:
        return list(municipality_codes)
    return None


def _write_lists(sheet, contract: Dataset, municipality_codes: list[str]) -> dict[str, str]:
    """One column of the hidden Listor sheet per drop-down; returns column name -> range formula."""
    ranges: dict[str, str] = {}
    for column in contract.delivered_columns:
        choices = _choices(contract.name, column, municipality_codes)
        if not choices:
            continue
        letter = _letter(len(ranges) + 1)
        sheet[f"{letter}1"] = column.name
        for row, value in enumerate(choices, start=2):
            sheet[f"{letter}{row}"].number_format = "@"
            sheet[f"{letter}{row}"] = value
        ranges[column.name] = f"Listor!${letter}$2:${letter}${len(choices) + 1}"
    return ranges


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _write_header(sheet, contract: Dataset, words: DatasetWords, title: str) -> None:
    from openpyxl.styles import Font, PatternFill

    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    for index, column in enumerate(contract.delivered_columns, start=1):
        cell = sheet.cell(row=2, column=index, value=_column_words(contract.name, column).label)
        cell.font = Font(bold=True)
        required = column.required and not column.nullable
        cell.fill = PatternFill("solid", fgColor=_REQUIRED_FILL if required else _HEADER_FILL)
        sheet.column_dimensions[_letter(index)].width = max(14, min(40, len(str(cell.value)) + 4))
    sheet.freeze_panes = "A3"


def _write_data_sheet(sheet, contract: Dataset, words: DatasetWords, ranges: dict[str, str]) -> None:
    _write_header(sheet, contract, words,
                  f"{words.title} – mall för leverans till socek. Fyll i från rad 3, en rad per post.")
    for index, column in enumerate(contract.delivered_columns, start=1):
        letter = _letter(index)
        sheet.column_dimensions[letter].number_format = _number_format(column)
        validation = _validation(contract.name, column, letter, ranges.get(column.name))
        validation.add(f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)


def _number_format(column: Column) -> str:
    if column.type == DATE:
        return DATE_FORMAT
    if column.type == INT:
        return "0"
    if column.type == DECIMAL:
        return "0.00"
    return "@"  # text: Excel keeps leading zeros and long digit strings as typed


def _validation(dataset: str, column: Column, letter: str, list_range: str | None):
    """The Excel data validation of one column, with its help text as the input message."""
    from openpyxl.worksheet.datavalidation import DataValidation

    words = _column_words(dataset, column)
    blank_ok = column.nullable or not column.required
    rule: dict[str, object]
    if list_range is not None:
        rule = {"type": "list", "formula1": list_range, "error": "Välj ett värde i listan."}
    elif column.type == DATE:
        rule = {"type": "date", "operator": "between", "formula1": f"DATE({MIN_DATE.year},1,1)",
                "formula2": f"DATE({MAX_DATE.year},12,31)",
                "error": f"Skriv ett datum ÅÅÅÅ-MM-DD mellan {MIN_DATE.year} och {MAX_DATE.year}."}
    elif column.type in (INT, DECIMAL) and column.minimum is not None:
        kind = "whole" if column.type == INT else "decimal"
        rule = {"type": kind, "operator": "greaterThanOrEqual", "formula1": _number(column.minimum),
                "error": f"Skriv {'ett heltal' if kind == 'whole' else 'ett tal'} som är {_number(column.minimum)} "
                         "eller större."}
        if column.maximum is not None:
            rule.update(operator="between", formula2=_number(column.maximum),
                        error=f"Skriv {'ett heltal' if kind == 'whole' else 'ett tal'} mellan "
                              f"{_number(column.minimum)} och {_number(column.maximum)}.")
    elif column.is_org_nr:
        cell = f"{letter}{FIRST_ROW}"
        rule = {"type": "custom",
                "formula1": f'AND(LEN(SUBSTITUTE({cell},"-",""))=10,ISNUMBER(--SUBSTITUTE({cell},"-","")))',
                "error": "Organisationsnumret ska ha 10 siffror, t.ex. 556036-0793."}
    else:
        rule = {"error": None}
    error = rule.pop("error")
    return DataValidation(**rule, allow_blank=blank_ok, showInputMessage=True, promptTitle=words.label[:32],
                          prompt=words.help[:255], showErrorMessage=error is not None,
                          errorTitle="Ogiltigt värde" if error else None, error=error)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def example_row(dataset: str, municipality_codes: list[str]) -> list[object]:
    """One filled row, as Excel stores it: dates as dates, numbers as numbers, codes as text."""
    contract = DATASETS[dataset]
    return [_example_value(dataset, column, municipality_codes) for column in contract.delivered_columns]


def _example_value(dataset: str, column: Column, municipality_codes: list[str]) -> object:
    choices = _choices(dataset, column, municipality_codes)
    if choices:
        return choices[0]
    if column.is_org_nr or column.name == "awarded_org_nrs":
        return _EXAMPLE_ORGNR
    if column.type == DATE:
        return dt.date(2025, 3, 1)
    if column.type == INT:
        return 2025 if column.name == "year" else 4
    if column.type == DECIMAL:
        return 4.5 if column.name == "fte" else 25000.0
    if column.name.endswith("_id"):
        return "2025-001"
    return _EXAMPLE_TEXT.get(column.name, "Exempeltext")


def _write_example_sheet(sheet, contract: Dataset, words: DatasetWords, municipality_codes: list[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    _write_header(sheet, contract, words, "EXEMPEL – skriv inte här. Raden nedan visar hur en ifylld rad ser ut; "
                                          "fyll i bladet Data.")
    sheet["A1"].font = Font(bold=True, size=14, color="C00000")
    for index, (column, value) in enumerate(zip(contract.delivered_columns,
                                                example_row(contract.name, municipality_codes)), start=1):
        cell = sheet.cell(row=FIRST_ROW, column=index, value=value)
        cell.number_format = _number_format(column)
        cell.font = Font(italic=True, color="595959")
        cell.fill = PatternFill("solid", fgColor=_EXAMPLE_FILL)


def _format_words(column: Column) -> str:
    if column.type == DATE:
        return "Datum ÅÅÅÅ-MM-DD"
    if column.type == INT:
        return "Heltal"
    if column.type == DECIMAL:
        return "Tal (kr)" if column.name.endswith("_sek") else "Tal"
    if column.type == BOOL:
        return "Ja eller Nej"
    if column.is_org_nr:
        return "10 siffror"
    return "Text"


def _write_instructions(sheet, contract: Dataset, words: DatasetWords) -> None:
    from openpyxl.styles import Alignment, Font

    dataset = contract.name
    lines: list[list[object]] = [
        [f"{words.title}: instruktioner"],
        [],
        ["Vem fyller i", words.kept_by],
        ["När lämnas filen", words.delivered],
        ["Var läggs filen", f"I kommunens inkorg för socek, mappen {dataset}: inbox/<kommunkod>/{dataset}/ "
                            f"(t.ex. inbox/1814/{dataset}/). En fil är en leverans."],
        ["Filnamn", f"Valfritt, t.ex. {words.file_stem}_2025.xlsx. Spara som Excel-arbetsbok (.xlsx)."],
        ["Kontrollera före", f"socek validate <fil> --dataset {dataset} visar om filen går att läsa och vilka rader "
                             "som har fel, utan att något laddas."],
        ["Så fyller du i", "Fyll i bladet Data från rad 3, en rad per post. Ändra inte rubrikraden. Bladet Exempel "
                           "visar en ifylld rad. Rubriker med orange bakgrund är obligatoriska."],
        [],
        ["Kolumn", "Tekniskt namn", "Obligatorisk", "Format", "Tillåtna värden", "Förklaring"],
    ]
    for column in contract.delivered_columns:
        text = _column_words(dataset, column)
        required = ("Ja" if not column.nullable else "Ja, får lämnas tom") if column.required else "Nej"
        allowed = "; ".join(text.values.get(code, code) for code in column.values) if column.values else ""
        lines.append([text.label, column.name, required, _format_words(column), allowed, text.help])
    for row in lines:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    header_row = len(lines) - len(contract.delivered_columns)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (24, 28, 18, 18, 40, 80)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
