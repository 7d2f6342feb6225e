"""flows/sources/profiles.py and config/profiles/*.toml: publisher profiles, strictly validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.errors import ConfigError
from flows.intake.profiles import (
    ANY_DATASET,
    DEFAULT_PROFILE_DIR,
    get_profile,
    header_key,
    load_profile,
    load_profiles,
)

SHIPPED = {"canonical", "canonical-sv", "lankadedata", "openup", "goteborg", "vasteras", "orebro-xlsx"}

VALID = """
name = "{name}"
dataset = "supplier_invoices"
description = "test"
decimal = ","
"""


def write_profile(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_profiles_load_and_are_named_after_their_files():
    profiles = load_profiles()
    assert SHIPPED <= set(profiles)
    assert list(profiles) == sorted(profiles)
    for name, profile in profiles.items():
        assert profile.name == name
        assert (DEFAULT_PROFILE_DIR / f"{name}.toml").is_file()


def test_canonical_profiles_fit_every_dataset_with_identity_columns():
    for name, decimal in (("canonical", "."), ("canonical-sv", ",")):
        profile = get_profile(name)
        assert profile.dataset == ANY_DATASET and profile.decimal == decimal
        assert profile.applies_to("grants") and profile.applies_to("supplier_invoices")
        assert profile.headers_for("org_nr") == ["org_nr"]


def test_publisher_profiles_describe_their_quirks():
    assert get_profile("lankadedata").file.line_ending == "CR"
    assert get_profile("lankadedata").blank_values == {"fakturanummer": ["-"]}
    assert get_profile("openup").date_formats[0] == "%Y%m"
    assert get_profile("openup").headers_for("bokforingsdatum") == ["datum"]
    goteborg = get_profile("goteborg")
    assert (goteborg.file.encoding, goteborg.file.delimiter, goteborg.decimal, goteborg.thousands) == (
        "utf-16-le", ",", ",", " ")
    vasteras = get_profile("vasteras")
    assert (vasteras.file.format, vasteras.file.bom_in_key, vasteras.supplier_id) == ("json", "kopare_id", "internal")
    assert vasteras.headers_for("nettobelopp") == ["belopp", "nettobelopp"]  # the real key and the spec's
    orebro = get_profile("orebro-xlsx")
    assert orebro.file.format == "xlsx" and orebro.split_for("konto_text").targets == ["konto_nr", "konto_text"]
    assert not orebro.applies_to("grants")


def test_header_key_ignores_case_spacing_and_bom():
    assert header_key("\ufeff  Leverantörens   ORG.NR ") == header_key("leverantörens org.nr")


@pytest.mark.parametrize("delivered, wanted", [
    ("\ufeffkopare_id", "kopare_id"),            # a BOM inside the key (Västerås)
    ("KOPARE ID", "kopare_id"),                  # case, '_' written as a space
    ("kopare-id", "kopare_id"),                  # '_' written as '-'
    ("ko\u200bpare_id\u2060", "kopare_id"),      # zero-width characters pasted from a web page
    ("Förvaltning", "forvaltning"),              # å/ä/ö written a/a/o
    ("  Leverantör\u00a0 ", "leverantor"),       # surrounding and non-breaking space
    ("Bokföringsdatum", "bokforingsdatum"),
])
def test_header_key_tolerates_how_publishers_write_names(delivered, wanted):
    assert header_key(delivered) == header_key(wanted)


def test_header_key_keeps_different_names_apart():
    assert header_key("konto_nr") != header_key("konto_text")
    assert header_key("org.nr") != header_key("orgnr")


def test_a_column_a_profile_does_not_list_is_also_found_by_its_swedish_label():
    assert get_profile("canonical").accepted_headers("grants", "decision_date") == ["decision_date", "Beslutsdatum"]
    # a listed column accepts only what the profile lists: openup's 'kopare' holds the buyer's org nr
    assert get_profile("openup").accepted_headers("supplier_invoices", "kopare") == ["kopare_text"]


@pytest.mark.parametrize("extra, words", [
    ('colour = "red"\n', "key 'colour' is not allowed"),
    ('[file]\nformat = "xls"\n', "key 'file.format'"),
    ('[file]\npage_size = 0\n', "key 'file.page_size'"),
    ('[columns]\nbelopp = "belopp"\n', "not columns of supplier_invoices"),
    ('absent = ["bokforingsdatum"]\n', "may not be blank"),
    ('thousands = ","\n', "must differ"),
    ('date_formats = ["%d"]\n', "key 'date_formats'"),
    ('date_formats = []\n', "key 'date_formats'"),
    ('[[split]]\ncolumn = "konto"\npattern = "(\\\\d+)"\njoin = ""\n', "named groups"),
    ('[[split]]\ncolumn = "konto"\npattern = "(?P<konto_nr>\\\\d+"\njoin = "{konto_nr}"\n',
     "not a valid regular expression"),
    ('[[split]]\ncolumn = "konto"\npattern = "(?P<konto_nr>\\\\d+)"\njoin = "{konto_text}"\n', "join template"),
    ('[[split]]\ncolumn = "konto"\npattern = "(?P<konto>\\\\d+)"\njoin = "{konto}"\n', "not columns of"),
])
def test_invalid_profiles_name_file_and_key(tmp_path, extra, words):
    path = write_profile(tmp_path, "bad", VALID.format(name="bad") + extra)
    with pytest.raises(ConfigError) as caught:
        load_profile(path)
    assert str(path) in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize("text, words", [
    ('name = "x"\ndataset = "supplier_invoices"\ndescription = "d"\n', "key 'decimal' is required"),
    ('name = "x"\ndataset = "ledgers"\ndescription = "d"\ndecimal = "."\n', "unknown"),
    ('name = "x"\ndataset = "grants"\ndescription = "d"\ndecimal = "."\nsupplier_id = "internal"\n',
     "only applies to supplier_invoices"),
    ('name = "x"\ndataset = "*"\ndescription = "d"\ndecimal = "."\n[columns]\norg_nr = "orgnr"\n', "remove columns"),
    ('name = "Ö x"\ndataset = "*"\ndescription = "d"\ndecimal = "."\n', "key 'name'"),
    ('name = "x"\ndataset = "*"\ndescription = "d"\ndecimal = "."\n[file]\nheader = ["a"]\n', "file.header"),
    ('name = "x" dataset', "not valid TOML"),
])
def test_more_invalid_profiles(tmp_path, text, words):
    path = write_profile(tmp_path, "x", text)
    with pytest.raises(ConfigError, match=words):
        load_profile(path)


def test_name_must_equal_file_name(tmp_path):
    path = write_profile(tmp_path, "other", VALID.format(name="mine"))
    with pytest.raises(ConfigError, match="must equal the file name 'other'"):
        load_profile(path)


def test_get_profile_refuses_unknown_and_path_like_names(tmp_path):
    write_profile(tmp_path, "mine", VALID.format(name="mine"))
    assert get_profile("mine", tmp_path).name == "mine"
    for name in ("nope", "../mine", "/etc/passwd"):
        with pytest.raises(ConfigError, match="unknown publisher profile"):
            get_profile(name, tmp_path)
