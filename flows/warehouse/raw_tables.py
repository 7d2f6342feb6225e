"""The raw tables of the inbox datasets, made from the dataset contracts (``flows.datasets``).

The contract is the one definition of a dataset's columns: the readers map onto it, the Great
Expectations suites are built from it, and ``raw.<dataset>`` gets exactly its columns (in contract
order, with the contract's types and descriptions as comments) plus the lineage columns. A column
added to a contract is added to the existing raw table of an older warehouse (``add column if not
exists``), so no column can be missing on one side and silently become NULL.
"""

from __future__ import annotations

from flows.datasets import DATASETS, Dataset
from flows.warehouse.sqlsafe import ident, qualified

LINEAGE = (
    ("_file_id", "VARCHAR", "File the row came from (meta.files.file_id)."),
    ("_source_file", "VARCHAR", "Path of the delivered file relative to the inbox."),
    ("_sha256", "VARCHAR", "SHA-256 of the delivered file."),
    ("_row_number", "BIGINT", "Data row number in the delivered file (1 = first row after the header)."),
    ("_run_id", "VARCHAR", "Run that loaded the row (meta.runs.run_id)."),
    ("_loaded_at", "TIMESTAMP", "When the row was loaded (UTC)."),
)
LINEAGE_COLUMNS = tuple(name for name, _, _ in LINEAGE)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def raw_columns(dataset: Dataset) -> list[tuple[str, str, str]]:
    """``(name, type, description)`` of ``raw.<dataset>``: the contract's columns, then lineage."""
    return [(c.name, c.type, _sentence(c.description)) for c in dataset.columns] + list(LINEAGE)


def raw_table_sql(dataset: Dataset) -> str:
    """Idempotent DDL of ``raw.<dataset>``: create, add missing columns, comment every column."""
    table = qualified("raw", dataset.name)
    columns = raw_columns(dataset)
    lines = [f"-- raw.{dataset.name}: {dataset.description} Made from the contract in flows/datasets.py.",
             f"create table if not exists {table} (",
             ",\n".join(f"    {ident(name)} {kind}" for name, kind, _ in columns),
             ");"]
    lines += [f"alter table {table} add column if not exists {ident(name)} {kind};" for name, kind, _ in columns]
    lines.append(f"comment on table {table} is "
                 f"{_literal(dataset.description + ' As delivered, validated, with lineage.')};")
    lines += [f"comment on column {table}.{ident(name)} is {_literal(text)};" for name, _, text in columns]
    return "\n".join(lines) + "\n"


def contract_sql() -> list[tuple[str, str]]:
    """``(name, sql)`` of every inbox dataset's raw table, for the SQL runner."""
    return [(f"<contract raw.{name}>", raw_table_sql(dataset)) for name, dataset in DATASETS.items()]
