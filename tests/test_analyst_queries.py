"""Every example query in docs/analyst.md runs against a warehouse built from fixture rows (with
Lekeberg's enterprise that started in 2022) and returns rows. A renamed view or column breaks this
test instead of the analyst's afternoon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.sqlkit import fixture_db
from tests.test_indicators import (
    LEDGER_FILES,
    LEKEBERG,
    county_tables,
    placement,
    posting,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "analyst.md"
STORY = "7696000079"  # started 2022, cooperation from September 2022 (fictional)
FENCE = re.compile(r"^```sql\n(.*?)^```", re.MULTILINE | re.DOTALL)


def story_tables() -> dict[str, list[dict]]:
    data = county_tables()

    def add(table: str, *new_rows: dict) -> None:
        file_id = f"{table.split('.')[1]}-{LEKEBERG}"
        data[table] = data.get(table, []) + [{"_file_id": file_id, **r} for r in new_rows]

    add("raw.enterprises", {"org_nr": STORY, "name": "Arbetsintegrerande kooperativet (fiktivt)",
                            "municipality_code": LEKEBERG, "legal_form": "EK", "is_wise": True,
                            "start_date": "2022-03-01", "cooperation_started": "2022-09-01"})
    data["raw.enterprises"][-1]["_file_id"] = f"reg-{LEKEBERG}"
    add("raw.supplier_invoices", {**posting(STORY, "2023-03-15", 42000.0), "_file_id": "led-new"},
        {**posting(STORY, "2023-04-15", -2000.0), "_file_id": "led-new"})
    add("raw.agreements", {"agreement_id": "A9", "municipality_code": LEKEBERG, "org_nr": STORY, "type": "iop",
                           "start_date": "2022-09-01", "end_date": None, "annual_value_sek": 300000.0})
    add("raw.grants", {"grant_id": "G9", "municipality_code": LEKEBERG, "org_nr": STORY,
                       "decision_date": "2022-06-01", "amount_sek": 75000.0, "grant_type": "start_grant"})
    add("raw.placements", placement("arbetsmarknadsenhet", "work_training", "K", "25-64", 2, 1, 1, 0, 0, 150, org=STORY))
    add("raw.annual_reports", {"org_nr": STORY, "year": 2023, "turnover_sek": 800000.0,
                               "revenue_public_sek": 500000.0, "revenue_from_municipality_sek": 340000.0,
                               "employees_k": 2, "employees_m": 2, "participants_k": 4, "participants_m": 3,
                               "fte": 4.5})
    add("raw.municipal_actions", {"action_id": "ATG-1", "municipality_code": LEKEBERG, "decision_date": "2022-08-23",
                                  "decision_body": "ks", "diarienummer": "KS 2022/76",
                                  "action_type": "agreement_decision", "title": "IOP (fiktivt)",
                                  "responsible_unit": "labour_market", "budget_sek": 300000.0,
                                  "action_plan_area": "AP2a"})
    return data


@pytest.fixture(scope="module")
def con():
    connection = fixture_db(story_tables(), files=LEDGER_FILES)
    yield connection
    connection.close()


def examples() -> list[tuple[str, str]]:
    """(heading, sql) for every ```sql block, with the nearest heading above it."""
    text = DOC.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        headings = [line for line in text[:match.start()].splitlines() if line.startswith("#")]
        found.append((headings[-1].lstrip("# ").strip() if headings else "", match.group(1)))
    return found


def section_of(sql_heading_index: int) -> str:
    text = DOC.read_text(encoding="utf-8")
    starts = [m.start() for m in FENCE.finditer(text)]
    before = text[:starts[sql_heading_index]]
    sections = [line for line in before.splitlines() if line.startswith("## ")]
    return sections[-1] if sections else ""


def test_the_guide_has_at_least_ten_examples_each_under_a_heading():
    found = examples()
    assert len(found) >= 10
    text = DOC.read_text(encoding="utf-8")
    previous_end = 0
    for match in FENCE.finditer(text):
        between = text[previous_end:match.start()]
        assert any(line.startswith("#") for line in between.splitlines()), match.group(1)[:60]
        previous_end = match.end()
    sections = [section_of(i) for i in range(len(found))]
    assert sum(s.startswith("## Q1") for s in sections) >= 5
    assert sum(s.startswith("## Q2") for s in sections) >= 5


def test_the_guide_covers_the_essentials():
    text = DOC.read_text(encoding="utf-8")
    for needle in ("read_only=True", "-readonly", "socek query", "obs_status", "conf_status", "`L`", "`M`",
                   "`P`", "`D`", "`C`", "export.indicator_values", "meta.indicator_catalogue"):
        assert needle in text, needle


@pytest.mark.parametrize("heading, sql", examples(), ids=[h for h, _ in examples()])
def test_example_query_runs_and_returns_rows(con, heading, sql):
    result = con.execute(sql).fetchall()
    assert result, f"'{heading}' returned no rows"
