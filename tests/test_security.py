"""Security: misuse lets nothing in and nothing out.

- inbox paths with ``..``, absolute paths and links leading out of the inbox are refused;
- SQL is built only from validated identifiers: a hostile dataset or column name in a profile or in
  the configuration is refused when it is loaded, and a hostile delivered header stays data;
- exported CSV cells cannot start a formula (the regional delivery and ``socek query --format csv``);
- ``socek query`` opens the published database read-only and refuses writes and file access.

Zip members (path traversal, size, compression ratio) are covered in tests/test_bolagsverket.py;
the hashing key (fails closed) in tests/test_privacy.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import duckdb
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from flows import cli
from flows.config import load_config, parse_config
from flows.errors import ConfigError
from flows.intake.canonical import read_delivery
from flows.intake.discovery import UnsafePathError, discover, inbox_path
from flows.intake.profiles import load_profile
from flows.outputs.delivery import FORMULA_PREFIXES, render_csv
from flows.warehouse.sqlsafe import ident, qualified
from tests.faultkit import sha256_of, write_small_config

KEY = b"test-key-not-a-secret"
HOSTILE_NAMES = ['org_nr"; drop table raw.enterprises; --', "x; drop table meta.runs", 'a" or "1"="1', "../etc",
                 "Org_Nr", "org nr", "1abc", "", "namn_ä", "a" * 64, "raw.enterprises", "x\u0000y", "x'--"]


# --- inbox paths -----------------------------------------------------------------------------------

def test_paths_leading_out_of_the_inbox_are_refused(tmp_path):
    inbox = tmp_path / "inbox"
    grants = inbox / "1814" / "grants"
    grants.mkdir(parents=True)
    (grants / "ok.csv").write_text("grant_id;municipality_code;org_nr;decision_date;amount_sek;grant_type\n"
                                   "G1;1814;5560360793;2024-01-02;5;other\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "grants.csv").write_text((grants / "ok.csv").read_text(encoding="utf-8"), encoding="utf-8")
    os.symlink(outside / "grants.csv", grants / "link-out.csv")  # a file link out
    os.symlink("../../../outside/grants.csv", grants / "relative-out.csv")  # a relative link out
    os.symlink("/etc/passwd", grants / "passwd.csv")  # an absolute link out
    os.symlink(outside, inbox / "1814" / "enterprises")  # a dataset folder link out
    os.symlink(outside, inbox / "1880")  # a municipality folder link out
    os.symlink(grants / "ok.csv", grants / "inside.csv")  # a link that stays inside is fine

    found = {d.path.relative_to(inbox).as_posix(): d for d in discover(inbox, ["1814", "1880"],
                                                                          ["grants", "enterprises"])}
    accepted = sorted(name for name, d in found.items() if d.accepted)
    assert accepted == ["1814/grants/inside.csv", "1814/grants/ok.csv"]
    for name in ("1814/grants/link-out.csv", "1814/grants/relative-out.csv", "1814/grants/passwd.csv",
                 "1814/enterprises", "1880"):
        assert "outside the inbox" in found[name].refused, name

    for bad, words in (("/etc/passwd", "absolute"), ("1814/../../outside/grants.csv", "'..'"),
                       ("../outside/grants.csv", "'..'"), ("1814/grants/link-out.csv", "outside")):
        with pytest.raises(UnsafePathError, match=words):
            inbox_path(inbox, bad)


# --- SQL identifiers ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_ident_refuses_hostile_identifiers(name):
    with pytest.raises(ConfigError, match="unsafe SQL identifier"):
        ident(name)
    with pytest.raises(ConfigError):
        qualified("raw", name)


def test_ident_accepts_plain_names():
    assert ident("org_nr") == '"org_nr"' and qualified("raw", "enterprises") == '"raw"."enterprises"'


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_an_accepted_identifier_can_only_name_one_object(name):
    """Whatever ``ident`` lets through creates exactly the table of that name and nothing else."""
    try:
        quoted = ident(name)
    except ConfigError:
        return
    con = duckdb.connect()
    try:
        con.execute(f"create table {quoted} (x integer)")
        assert con.execute("select table_name from duckdb_tables()").fetchall() == [(name,)]
    finally:
        con.close()


PROFILE = 'name = "{name}"\ndataset = "{dataset}"\ndescription = "d"\ndecimal = "."\n'


@pytest.mark.parametrize("extra", [
    '[columns]\n"org_nr\\"; drop table raw.enterprises; --" = "orgnr"\n',
    '[constants]\n"kopare; drop table meta.runs" = "x"\n',
    'absent = ["konto_text\\"; drop schema raw cascade; --"]\n',
    '[blank_values]\n"a\\" or 1=1" = ["-"]\n',
    '[[split]]\ncolumn = "konto"\npattern = "(?P<konto_nr>\\\\d+)(?P<x__drop>.*)"\njoin = "{konto_nr}{x__drop}"\n',
])
def test_a_hostile_column_name_in_a_profile_is_refused_when_loaded(tmp_path, extra):
    path = tmp_path / "hostile.toml"
    path.write_text(PROFILE.format(name="hostile", dataset="supplier_invoices") + extra, encoding="utf-8")
    with pytest.raises(ConfigError, match="not columns of supplier_invoices"):
        load_profile(path)


@pytest.mark.parametrize("dataset", ['grants\\"; drop table raw.grants; --', "grants; select 1", "../grants"])
def test_a_hostile_dataset_name_in_a_profile_is_refused_when_loaded(tmp_path, dataset):
    path = tmp_path / "hostile.toml"
    path.write_text(PROFILE.format(name="hostile", dataset=dataset), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown"):
        load_profile(path)


def test_a_hostile_dataset_name_in_the_configuration_is_refused(tmp_path):
    import tomllib

    data = tomllib.loads(write_small_config(tmp_path).read_text(encoding="utf-8"))
    data["datasets"] = ["grants", 'grants"; drop table meta.runs; --']
    with pytest.raises(ConfigError, match="unknown dataset"):
        parse_config(data)


def test_a_hostile_delivered_header_stays_data(tmp_path):
    hostile = 'note"); drop table raw.grants; --'
    path = tmp_path / "g.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["grant_id", "municipality_code", "org_nr", "decision_date", "amount_sek", "grant_type", hostile])
        writer.writerow(["G1", "1814", "5560360793", "2024-01-02", "5", "other", "x"])
    table = read_delivery(path, "grants", "canonical", "1814", KEY)
    assert hostile not in table.frame.columns  # only the contract's columns are ever named in SQL
    assert table.unmapped_columns == (hostile,)
    assert json.loads(table.frame["_original"].iloc[0])[hostile] == "x"  # a JSON key of the row as delivered


# --- CSV formula injection -------------------------------------------------------------------------

@hypothesis_settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("=+-@\t\r\n\"';,. aZ0|")), max_size=12), min_size=1,
                max_size=4),
       st.sampled_from([(",", "."), (";", ",")]))
def test_no_exported_text_cell_can_start_a_formula(cells, dialect):
    delimiter, decimal = dialect
    text = render_csv([f"c{i}" for i in range(len(cells))], [tuple(cells)], delimiter=delimiter, decimal=decimal)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert len(rows) == 2, text  # a line break inside a cell never starts a new row
    for delivered, written in zip(cells, rows[1]):
        assert not written.startswith(FORMULA_PREFIXES), (delivered, written)
        as_lf = delivered.replace("\r\n", "\n").replace("\r", "\n")
        assert written in (as_lf, "'" + as_lf)  # nothing else changes


# --- socek query -----------------------------------------------------------------------------------

@pytest.fixture
def published(tmp_path):
    settings = load_config(write_small_config(tmp_path))
    path = settings.path("warehouse")
    path.parent.mkdir(parents=True)
    con = duckdb.connect(str(path))
    con.execute("create schema meta; create table meta.runs (run_id varchar, status varchar); "
                "insert into meta.runs values ('r1', 'succeeded'), ('=HYPERLINK(\"http://x\")', 'warnings')")
    con.close()
    return settings


def socek_query(settings, sql, *options, capsys):
    code = cli.main(["--config", str(settings.source_file), "query", *options, sql])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("sql", [
    "drop table meta.runs",
    "insert into meta.runs values ('x', 'failed')",
    "update meta.runs set status = 'failed'",
    "delete from meta.runs",
    "create table meta.evil as select 1",
    "alter table meta.runs add column x integer",
    "select 1; drop table meta.runs",
    "copy meta.runs to '{tmp}/stolen.csv'",
    "export database '{tmp}/stolen'",
    "attach '{tmp}/other.duckdb' as other",
    "select * from read_csv('/etc/passwd')",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
    "checkpoint; pragma force_checkpoint; drop table meta.runs",
])
def test_socek_query_refuses_writes_and_file_access(published, sql, tmp_path, capsys):
    path = published.path("warehouse")
    before = sha256_of(path)
    code, out, err = socek_query(published, sql.format(tmp=tmp_path), capsys=capsys)
    assert code == 1, (out, err)
    assert err.startswith("socek: ") and ("refused" in err or "query failed" in err)
    assert sha256_of(path) == before
    assert not any(tmp_path.glob("stolen*")) and not (tmp_path / "other.duckdb").exists()
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("select count(*) from meta.runs").fetchone()[0] == 2
    con.close()


@pytest.mark.parametrize("sql", ["drop table meta.runs", "copy meta.runs to '{tmp}/stolen.csv'",
                                 "attach '{tmp}/other.duckdb' as other"])
def test_refusals_say_why(published, sql, tmp_path, capsys):
    code, out, err = socek_query(published, sql.format(tmp=tmp_path), capsys=capsys)
    assert code == 1 and err.startswith("socek: refused: socek query")


def test_socek_query_reads_and_defuses_formulas_in_csv(published, capsys):
    code, out, err = socek_query(published, "select run_id, status from meta.runs order by status", "--format", "csv",
                                 capsys=capsys)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows == [["run_id", "status"], ["r1", "succeeded"], ["'=HYPERLINK(\"http://x\")", "warnings"]]


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("select count(*) from meta.runs").fetchone()[0], flush=True)
sys.stdin.readline()
try:
    con.execute("delete from meta.runs")
except duckdb.Error as exc:
    print("refused" if "read-only" in str(exc) else exc, flush=True)
"""


def test_socek_query_and_an_analysts_reader_coexist_and_neither_can_write(published, capsys):
    reader = subprocess.Popen([sys.executable, "-c", READER, str(published.path("warehouse"))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "2"
    code, out, err = socek_query(published, "select count(*) as n from meta.runs", capsys=capsys)
    answer, _ = reader.communicate("go\n", timeout=60)
    assert code == 0 and out.splitlines()[2].strip() == "2", (out, err)
    assert answer.strip() == "refused"
