"""`socek profile infer`: on the demo's file of each shipped profile it proposes that profile's settings,
and on a file whose columns were renamed and reordered it proposes the right mapping."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from flows.cli import EXIT_OK, EXIT_USAGE, main
from flows.config import load_config
from flows.datasets import DATASETS
from flows.demo.deliveries import write_demo_inbox
from flows.intake.canonical import read_delivery
from flows.intake.infer import infer_profile, name_score, number_marks
from flows.intake.infer_report import check_proposal, proposal_report, proposal_toml
from flows.intake.profiles import Profile, get_profile
from tests.conftest import ROOT

KEY = b"test-key-not-a-secret"
CONFIG = ROOT / "config/pipeline.toml"
# profile -> (municipality, dataset) of a demo delivery written in that publisher's layout
DEMO_FILES = {
    "canonical": ("1814", "grants"),
    "canonical-sv": ("1882", "agreements"),
    "lankadedata": ("1881", "supplier_invoices"),
    "openup": ("1861", "supplier_invoices"),
    "goteborg": ("1883", "supplier_invoices"),
    "vasteras": ("1864", "supplier_invoices"),
    "orebro-xlsx": ("1880", "supplier_invoices"),
}


@pytest.fixture(scope="module")
def settings():
    return load_config(CONFIG)


@pytest.fixture(scope="module")
def demo(settings, tmp_path_factory):
    # the demo's layouts stand in for publishers' real files, so without the synthetic marker column
    return write_demo_inbox(settings, tmp_path_factory.mktemp("infer-demo"), 42, marked=False)


def demo_file(demo, profile: str):
    code, dataset = DEMO_FILES[profile]
    spoiled = {m.path for m in demo.mistakes}
    chosen = next(f for f in demo.files if (f.municipality_code, f.dataset, f.profile) == (code, dataset, profile)
                  and f.path not in spoiled)
    return demo.out_dir / chosen.path, dataset


def canonical(path, dataset, profile) -> pd.DataFrame:
    frame = read_delivery(path, dataset, profile, "1814", KEY).frame
    return frame.drop(columns=["_original", "_extra"])


@pytest.mark.parametrize("profile_name", list(DEMO_FILES))
def test_infer_proposes_the_shipped_profile_for_the_demo_file(demo, settings, profile_name):
    path, dataset = demo_file(demo, profile_name)
    shipped = get_profile(profile_name)
    proposal = infer_profile(path, dataset, name="proposed", municipality_codes=settings.municipality_codes)
    proposed = check_proposal(proposal_toml(proposal), path)
    evidence = {item.setting: item for item in proposal.evidence}

    assert proposed.decimal == shipped.decimal
    if "none seen" not in evidence["thousands"].why:  # a file without a number >= 1000 cannot show it
        assert proposed.thousands == shipped.thousands
    assert proposed.date_formats[0] == shipped.date_formats[0]
    if dataset == "supplier_invoices":
        assert proposed.supplier_id == shipped.supplier_id
    assert proposed.file.format == shipped.file.format
    if shipped.file.format == "csv":
        assert (proposed.file.delimiter, proposed.file.line_ending) == (shipped.file.delimiter, shipped.file.line_ending)
        if not path.read_bytes().isascii():  # pure ASCII is valid UTF-8 and cp1252 alike
            assert proposed.file.encoding == shipped.file.encoding
    assert proposed.file.bom_in_key == shipped.file.bom_in_key
    assert proposed.file.orgnr_dash == shipped.file.orgnr_dash
    assert [(r.column, r.targets) for r in proposed.split] == [(r.column, r.targets) for r in shipped.split]
    assert proposal.unresolved == []

    # Read with the proposal, the file gives the same canonical table as with the shipped profile;
    # only a constant the publisher never writes into its file (Örebro's buyer) cannot be inferred,
    # and a "no value" marker the proposal found ('-') is blank where a shipped profile kept it.
    expected, got = canonical(path, dataset, shipped), canonical(path, dataset, proposed)
    for column, markers in proposed.blank_values.items():
        expected[column] = expected[column].mask(expected[column].isin(markers))
    constants = list(shipped.constants)
    assert set(constants) <= set(proposed.absent)
    pd.testing.assert_frame_equal(got.drop(columns=constants), expected.drop(columns=constants))


RENAMED_LEDGER = {"bokforingsdatum": "Bokf.datum", "nettobelopp": "Belopp exkl. moms",
                  "leverantor_id": "Orgnr leverantör", "leverantor": "Leverantörsnamn", "konto_nr": "Kontonr",
                  "konto_text": "Kontobenämning", "kopare": "Köpare", "kopare_id": "Köparens org.nr",
                  "verifikationsnummer": "Ver.nr", "forvaltning": "Förvaltning", "fakturanummer": "Fakturanr",
                  "kommun_id": "Kommun"}
RENAMED_GRANTS = {"grant_id": "Bidragsnr", "municipality_code": "Kommun", "org_nr": "Mottagarens orgnr",
                  "decision_date": "Datum för beslut", "amount_sek": "Belopp kr", "grant_type": "Typ av bidrag"}


def renamed_copy(source, target, renames: dict[str, str]) -> None:
    """The same rows under other names, columns in reverse order, as a Swedish Excel CSV."""
    frame = pd.read_csv(source, sep=None, engine="python", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    frame = frame.rename(columns=renames)[[renames.get(c, c) for c in reversed(list(frame.columns))]]
    frame.to_csv(target, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")


@pytest.mark.parametrize("profile_name, renames", [("lankadedata", RENAMED_LEDGER), ("canonical", RENAMED_GRANTS)])
def test_infer_maps_renamed_and_reordered_columns(demo, settings, tmp_path, profile_name, renames):
    source, dataset = demo_file(demo, profile_name)
    target = tmp_path / "renamed.csv"
    renamed_copy(source, target, renames)
    proposal = infer_profile(target, dataset, name="renamed", municipality_codes=settings.municipality_codes)
    proposed = check_proposal(proposal_toml(proposal), target)

    mapped = {item.setting.removeprefix("columns."): item.value for item in proposal.evidence
              if item.setting.startswith("columns.")}
    holding_values = {c for c, header in renames.items()
                      if read_delivery(source, dataset, profile_name, "1814", KEY).frame[c].notna().any()}
    assert {c: mapped.get(c) for c in holding_values} == {c: renames[c] for c in holding_values}
    assert proposal.unresolved == []
    expected = canonical(source, dataset, get_profile(profile_name)).drop(columns="_row_number")
    got = canonical(target, dataset, proposed).drop(columns="_row_number")
    pd.testing.assert_frame_equal(got, expected)


def test_rows_that_do_not_fit_are_listed_with_row_and_value(tmp_path, settings):
    path = tmp_path / "bidrag.csv"
    path.write_text("grant_id;municipality_code;org_nr;decision_date;amount_sek;grant_type\n"
                    "B1;1814;5560360793;2024-03-01;1 000,50;start_grant\n"
                    "B2;1814;5560360793;2024-03-02;2 500,00;start_grant\n"
                    "B3;1814;5560360794;första mars;12,00;gåva\n", encoding="utf-8")
    proposal = infer_profile(path, "grants", municipality_codes=settings.municipality_codes)
    assert (proposal.settings["decimal"], proposal.settings["thousands"]) == (",", " ")
    misfits = {m.column: m for m in proposal.misfits}
    assert misfits["decision_date"].rows == ((3, "första mars"),)
    assert misfits["org_nr"].rows == ((3, "5560360794"),)
    assert misfits["grant_type"].rows == ((3, "gåva"),)
    report = proposal_report(proposal)
    assert "decision_date ('decision_date', expected a date in %Y-%m-%d): 1 row(s): row 3 'första mars'" in report


def test_profile_infer_command_writes_a_profile_that_validate_then_uses(demo, tmp_path, capsys, monkeypatch):
    source, _ = demo_file(demo, "goteborg")
    project = tmp_path / "project"
    (project / "config").mkdir(parents=True)
    (project / "config" / "pipeline.toml").write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(project)
    out = "config/profiles/gbg.toml"
    assert main(["profile", "infer", str(source), "--dataset", "supplier_invoices", "--out", out]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "Evidence:" in printed and "wrote config/profiles/gbg.toml" in printed
    assert tomllib.loads((project / out).read_text(encoding="utf-8"))["name"] == "gbg"
    assert main(["profile", "infer", str(source), "--dataset", "supplier_invoices", "--out", out]) == EXIT_USAGE
    # the operator's folder (paths.profiles, default config/profiles) is searched for --profile
    assert main(["validate", str(source), "--dataset", "supplier_invoices", "--profile", "gbg"]) == EXIT_OK
    assert "profile gbg chosen by --profile" in capsys.readouterr().out


def test_validate_without_profile_uses_the_inbox_choice_and_suggests_when_none_fits(demo, capsys):
    source, _ = demo_file(demo, "vasteras")
    config = str(CONFIG)
    assert main(["--config", config, "validate", str(source)]) == EXIT_OK  # dataset and profile from the inbox
    out = capsys.readouterr().out
    assert "profile vasteras chosen by" in out and "1864/profiles.toml" in out
    other = source.parent.parent.parent / "1814" / "supplier_invoices"
    other.mkdir(parents=True, exist_ok=True)
    moved = other / source.name
    moved.write_bytes(source.read_bytes())
    for page in source.parent.glob(source.stem + "-page-*"):
        (other / page.name).write_bytes(page.read_bytes())
    assert main(["--config", config, "validate", str(moved)]) == 1  # 1814 reads ledgers as canonical
    out = capsys.readouterr().out
    assert "UNUSABLE (profile canonical" in out
    assert "profile(s) that read every required column of this file: vasteras" in out
    assert f"socek profile infer {moved} --dataset supplier_invoices" in out


@pytest.mark.parametrize("text, marks", [("-1302,03", (",", None)), ("12 345,50", (",", " ")),
                                         ("1.234,50", (",", ".")), ("1,234.50", (".", ",")), ("1.234", (None, None)),
                                         ("0701234567", (None, None))])
def test_number_marks(text, marks):
    assert number_marks(text) == marks


def test_name_score_is_tolerant_but_not_loose():
    assert name_score("Köpare", ["kopare"]) == 3.0
    assert name_score("kopare_text", ["kopare"]) == 1.5
    assert name_score("Leverantör", ["nettobelopp", "belopp"]) == 0.0


def test_every_dataset_can_be_proposed_for_a_canonical_file(tmp_path):
    for name, contract in DATASETS.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(",".join(c.name for c in contract.delivered_columns) + "\n", encoding="utf-8")
        proposal = infer_profile(path, name)
        assert isinstance(check_proposal(proposal_toml(proposal), path), Profile)
