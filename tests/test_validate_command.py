"""`socek validate FILE`: verdict, counts and reasons without loading anything."""

import json

from flows.cli import EXIT_FAILED, EXIT_OK, main
from tests.conftest import ROOT

CONFIG = str(ROOT / "config/pipeline.toml")
HEADER = "grant_id;municipality_code;org_nr;decision_date;amount_sek;grant_type\n"


def test_missing_required_column_is_unusable_and_names_file_and_column(tmp_path, capsys):
    path = tmp_path / "bidrag.csv"
    path.write_text("grant_id;municipality_code;org_nr;amount_sek;grant_type\n"
                    "G1;1814;7696405120;1000;start_grant\n", encoding="utf-8")
    code = main(["--config", CONFIG, "validate", str(path), "--dataset", "grants"])
    out = capsys.readouterr().out
    assert code == EXIT_FAILED
    assert str(path) in out and "decision_date" in out


def test_valid_file_with_a_bad_row_reports_the_row_and_writes_canonical(tmp_path, capsys):
    path = tmp_path / "bidrag.csv"
    path.write_text(HEADER + "G1;1814;7696405120;2024-02-01;1000;start_grant\n"
                             "G2;1814;7696405121;2024-02-30;-5;gift\n", encoding="utf-8")
    out_csv = tmp_path / "canonical.csv"
    code = main(["--config", CONFIG, "validate", str(path), "--dataset", "grants", "--json",
                 "--write-canonical", str(out_csv)])
    report = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    assert report["rows_read"] == 2 and report["rows_valid"] == 1 and report["rows_quarantined"] == 1
    rules = {p["rule"] for p in report["problems"] if p["row"] == 2}
    assert {"org_nr:check_digit", "decision_date:type", "amount_sek:range", "grant_type:value_set"} <= rules
    assert out_csv.read_text(encoding="utf-8").splitlines()[0].startswith("grant_id,municipality_code,org_nr")
