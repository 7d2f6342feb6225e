"""The report a council can act on (issue 16): each of the five points a council member missed is
answered from data, and each test checks the printed text against the warehouse it came from.

1. what the municipality decided and did, and who arranged each support activity;
2. its procurement choices and whether the requirements were followed up;
3. the partnership's goals, follow-up and end date, purchases beside the agreements, "Att besluta";
4. the enterprise's own development and its dependence on the municipality;
5. the municipality's own IOP amounts, what follows the action plan, the review list's leads.

Also: only Lekeberg's report carries its motion, the county report exists, and no Swedish report
holds an English sentence. Built from the synthetic demo warehouse (tests/report_fixtures.py).
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest

from flows.config import load_config
from flows.outputs.query import open_read_only
from flows.outputs.report import write as report_write
from flows.outputs.report.html import NBSP, sv_date, sv_number, sv_percent, sv_sek
from flows.outputs.report.labels import ARRANGED_BY
from tests.report_fixtures import demo_warehouse
from tests.test_report import Page

LEKEBERG, YEAR, STORY_ORG_NR = "1814", 2025, "7696405120"


@pytest.fixture(scope="module")
def published() -> Path:
    return demo_warehouse()


@pytest.fixture(scope="module")
def warehouse(published):
    con = open_read_only(published)
    yield con
    con.close()


@pytest.fixture(scope="module")
def lekeberg(published) -> str:
    html, _ = report_write.render_report(published, LEKEBERG)
    return html


BLOCK = re.compile(r"</?(?:p|li|ul|ol|tr|td|th|caption|figcaption|h[1-6]|div|br|table|thead|tbody|figure)\b[^>]*>")


def text_of(html: str, section: str) -> str:
    """A section's visible text (the page before the first section for ""), one space between cells."""
    if section:
        part = re.search(rf'<section id="{section}"[^>]*>(.*?)</section>', html, re.S).group(1)
    else:
        part = html[:html.index("<section")]
    part = re.sub(r"<(style|script|svg)\b[^>]*>.*?</\1>", " ", part, flags=re.S)
    part = re.sub(r"<[^>]+>", "", BLOCK.sub(" ", part))
    return re.sub(r"\s+", " ", unescape(part).replace(NBSP, " ")).strip()


def plain(value: str) -> str:
    return value.replace(NBSP, " ")


# --- 1. what the municipality decided and did; who arranged each activity -------------------------

def test_every_action_of_the_year_is_told_with_who_decided_and_its_diarienummer(lekeberg, warehouse):
    actions = warehouse.execute("""
        select decision_date, decision_body, diarienummer, responsible_unit from core.municipal_actions
        where municipality_code = ? and year = ? order by decision_date""", [LEKEBERG, YEAR]).fetchall()
    assert actions, "the demo gives Lekeberg actions in the report's year"
    text = text_of(lekeberg, "fraga-1")
    bodies = {"kf": "Kommunfullmäktige", "ks": "Kommunstyrelsen", "committee": "En nämnd",
              "administration": "Förvaltningen"}
    for decided, body, diarienummer, unit in actions:
        told = f"{sv_date(decided)} – {bodies[body]}"
        assert told in text, told
        if diarienummer:
            assert f"dnr {diarienummer}" in text
    summary = text_of(lekeberg, "sammanfattning")
    assert f"Under {YEAR} beslutade eller genomförde kommunen {len(actions)} egna åtgärder" in summary
    unowned = sum(1 for *_, unit in actions if unit is None)
    assert ("en av dem utan ansvarig enhet" in summary) == (unowned == 1)


def test_each_support_activity_is_credited_to_whoever_arranged_it(lekeberg, warehouse):
    arranged = dict(warehouse.execute("""
        select arranger_type, count(*) from core.support_activities
        where municipality_code = ? and year(activity_date) = ? group by all""", [LEKEBERG, YEAR]).fetchall())
    assert sum(arranged.values()) == 5 and arranged.get("region") == 3  # the story: 3 of 5 by the Region
    summary = text_of(lekeberg, "sammanfattning")
    for kind, count in arranged.items():
        assert f"{count} {'anordnade' if count > 1 else 'anordnad'} av {plain(ARRANGED_BY[kind])}" in summary, kind
    assert "samarbetsparter" not in summary  # no longer credited to "the municipality and its partners"
    # each of the enterprise's activities in the timeline names its arranger
    timeline = text_of(lekeberg, "fraga-2")
    for when, kind in warehouse.execute("""
            select activity_date, arranger_type from core.support_activities
            where municipality_code = ? and org_nr = ?""", [LEKEBERG, STORY_ORG_NR]).fetchall():
        assert f"{sv_date(when)} – Stödinsats: " in timeline
        assert re.search(re.escape(sv_date(when)) + r" – Stödinsats: [^.]*, anordnad av "
                         + re.escape(plain(ARRANGED_BY[kind])), timeline), when


# --- 2. procurement choices and their follow-up ---------------------------------------------------

def test_procurement_choices_and_follow_up_are_explained(lekeberg, warehouse):
    rows = {year: (total, reserved, with_requirements) for year, total, reserved, with_requirements in
            warehouse.execute("""
        select year, count(*), count(*) filter (where is_reserved),
               count(*) filter (where employment_requirement or social_criteria)
        from core.procurements where municipality_code = ? group by all""", [LEKEBERG]).fetchall()}
    total, reserved, with_requirements = rows[YEAR]
    before = rows[YEAR - 1]
    now_share, before_share = 100 * with_requirements / total, 100 * before[2] / before[0]
    assert reserved == 0 and round(now_share) == 25 and round(before_share) == 75  # the story's choices
    text = text_of(lekeberg, "fraga-1")
    assert (f"Under {YEAR} hade {plain(sv_percent(now_share))} av upphandlingarna sysselsättningskrav eller sociala "
            f"hänsyn ({with_requirements} av {total}), en minskning från {plain(sv_percent(before_share))} {YEAR - 1}."
            ) in text
    assert "Ingen upphandling var reserverad." in text
    followed, not_followed, unknown, required = warehouse.execute("""
        select count(*) filter (where requirements_followed_up), count(*) filter (where not requirements_followed_up),
               count(*) filter (where requirements_followed_up is null), count(*)
        from core.procurements where municipality_code = ? and (employment_requirement or social_criteria)""",
                                                                  [LEKEBERG]).fetchone()
    assert (f"Av de {required} upphandlingarna med krav sedan 2019 har kraven följts upp i {followed}, inte följts upp "
            f"i {not_followed} och för {unknown} är det inte känt.") in text
    assert "reserverad enligt 4 kap. 18 § LOU”, reserverad" not in text  # a title no longer repeats its clause


# --- 3. goals and follow-up, the end date, purchases beside agreements, Att besluta ----------------

def test_the_iop_end_date_and_what_is_decided_after_it(lekeberg, warehouse):
    agreement_id, ends, renewal, assessed_on = warehouse.execute("""
        select agreement_id, end_date, renewal, followed_up_on from core.agreements
        where municipality_code = ? and org_nr = ? and agreement_type = 'iop'""",
                                                                 [LEKEBERG, STORY_ORG_NR]).fetchone()
    assert ends == date(2025, 12, 31) and renewal is None
    summary = text_of(lekeberg, "sammanfattning")
    assert (f"idéburet offentligt partnerskap (IOP) till och med {sv_date(ends)} (inget beslut om vad som händer "
            "därefter)") in summary
    cooperation = text_of(lekeberg, "fraga-2")
    assert f"Inget beslut om vad som händer efter {sv_date(ends)}." in cooperation
    assert f"Senast uppföljt {sv_date(assessed_on)}: kommunens bedömning är att målen nås delvis" in cooperation
    assert "företagets bedömning är att målen nås" in cooperation
    decide = cooperation[cooperation.index("Att besluta"):]
    assert (f"Idéburet offentligt partnerskap (IOP) med Lekebergs Arbetsintegrerande Kooperativ (fiktivt) ek. för., "
            f"avtal {agreement_id}, löper ut {sv_date(ends)}: inget beslut om förlängning") in decide


def test_att_besluta_lists_every_overdue_follow_up_and_every_action_without_a_unit(lekeberg, warehouse):
    reference = date(YEAR, 12, 31)
    late = warehouse.execute("""
        select agreement_id, follow_up_due from core.agreements
        where municipality_code = ? and follow_up_due < ? and (followed_up_on is null or followed_up_on < follow_up_due)
          and (end_date is null or end_date >= ?)""", [LEKEBERG, reference, date(YEAR, 1, 1)]).fetchall()
    unowned = warehouse.execute("""
        select decision_date, diarienummer from core.municipal_actions
        where municipality_code = ? and responsible_unit is null""", [LEKEBERG]).fetchall()
    assert late and unowned
    text = text_of(lekeberg, "fraga-2")
    decide = text[text.index("Att besluta"):]
    for agreement_id, due in late:
        assert f"avtal {agreement_id}: uppföljningen skulle ha gjorts senast {sv_date(due)}" in decide
    for decided, diarienummer in unowned:
        assert f"{sv_date(decided)}, dnr {diarienummer}): ingen ansvarig enhet är utsedd" in decide
    points = len(late) + len(unowned) + 1  # + the IOP that ends
    assert f"Att besluta: {points} punkter, se avsnitt 3." in text_of(lekeberg, "sammanfattning")


def test_purchases_on_the_agreements_account_beside_the_agreed_amount(lekeberg, warehouse):
    account, = warehouse.execute("""select distinct ledger_account from core.agreements
                                    where municipality_code = ? and org_nr = ?""", [LEKEBERG, STORY_ORG_NR]).fetchone()
    paid = warehouse.execute("""select sum(amount_sek) from core.purchases
                                where municipality_code = ? and supplier_org_nr = ? and year = ? and account = ?""",
                             [LEKEBERG, STORY_ORG_NR, YEAR, account]).fetchone()[0]
    agreed = warehouse.execute("""select sum(annual_value_sek) from core.agreements
                                  where municipality_code = ? and org_nr = ? and start_date <= ?
                                    and (end_date is null or end_date >= ?)""",
                               [LEKEBERG, STORY_ORG_NR, date(YEAR, 12, 31), date(YEAR, 1, 1)]).fetchone()[0]
    assert float(paid) > 1.1 * float(agreed)  # the story: places bought beyond the agreement in 2025
    text = text_of(lekeberg, "fraga-2")
    row = re.search(rf"{YEAR} (\S+ \S+ kr) (\S+ \S+ kr) ([+−]\S+ \S+ kr) \((\d+) %\)", text)
    assert row, "the year's row of the comparison"
    assert row.group(1) == plain(sv_sek(float(agreed))) and row.group(2) == plain(sv_sek(float(paid)))
    assert f"betalningar på avtalens konto ({account})" in text
    assert "Flaggas: köpen på avtalens konton överstiger avtalen med mer än 10 %" in text


# --- 4. the enterprise's development and its dependence on the municipality ----------------------

def test_the_enterprises_turnover_and_share_from_the_municipality(lekeberg, warehouse):
    reports = warehouse.execute("""
        select year, turnover_sek, revenue_from_municipality_sek from core.annual_reports
        where municipality_code = ? and org_nr = ? order by year""", [LEKEBERG, STORY_ORG_NR]).fetchall()
    (first, first_turnover, _), (last, last_turnover, municipal) = reports[0], reports[-1]
    assert last_turnover > 2 * first_turnover
    summary = text_of(lekeberg, "sammanfattning")
    share = round(100 * float(municipal) / float(last_turnover))
    assert (f"Företagets omsättning växte från {plain(sv_sek(float(first_turnover)))} {first} till "
            f"{plain(sv_sek(float(last_turnover)))} {last}; {share} % av omsättningen {last} kom från kommunen") in summary
    development = text_of(lekeberg, "fraga-2")
    for year, turnover, _ in reports:
        assert f"{year} {plain(sv_sek(float(turnover)))} " in development


# --- 5. the IOP amounts, after the action plan, the review list ----------------------------------

def test_the_municipalitys_own_iop_amounts_are_printed(lekeberg, warehouse):
    values = warehouse.execute("""select agreement_type, annual_value_sek from core.agreements
                                  where municipality_code = ? and org_nr = ?""", [LEKEBERG, STORY_ORG_NR]).fetchall()
    text = text_of(lekeberg, "fraga-2")
    for kind, value in values:
        assert f"{plain(sv_sek(float(value)))} per år" in text, kind
    assert "Idéburet offentligt partnerskap (IOP) , avtal" not in text and "Idéburet offentligt partnerskap (IOP), avtal" in text


def test_what_follows_the_action_plan_is_told_from_the_decisions_after_it(lekeberg, warehouse):
    latest = warehouse.execute("""select decision_date from core.municipal_actions
                                  where municipality_code = ? and decision_date >= date '2025-01-01'
                                  order by decision_date""", [LEKEBERG]).fetchall()
    text = text_of(lekeberg, "fraga-1")
    after = text[text.index("Efter handlingsplanen 2022–2025"):]
    for (decided,) in latest:
        assert sv_date(decided) in after


def test_the_review_lists_leads_of_the_year_before_are_followed_up(lekeberg, warehouse):
    before, added, gone, still = warehouse.execute("""
        select count(*), count(*) filter (where next_year = 'added_to_register'),
               count(*) filter (where next_year = 'deregistered'), count(*) filter (where next_year = 'still_on_list')
        from core.review_list_years where municipality_code = ? and year = ?""", [LEKEBERG, YEAR - 1]).fetchone()
    assert before == added + gone + still > 0
    text = text_of(lekeberg, "fraga-1")
    assert f"Vid utgången av {YEAR - 1} fanns {before} organisationer på listan." in text
    assert f"{gone} avregistrerades och {still} finns kvar på listan." in text


# --- the motion, general reports, the county report, Swedish only --------------------------------

def test_only_lekebergs_report_answers_the_motion(published):
    settings = load_config()
    for m in settings.municipalities:
        html, _ = report_write.render_report(published, m.code)
        page = Page(html)
        opening = text_of(html, "")
        if m.motion:
            assert f"Svar på motionen ”{m.motion.title}” ({m.motion.submitted_by})" in html
            assert page.sections[1] == "fraga-1"
        else:
            assert "motion" not in html.lower(), m.code
            assert page.sections[1] == "kommunens-arbete" and "Fråga 1" not in opening, m.code


def test_the_county_report_sets_the_twelve_side_by_side(published, warehouse, tmp_path):
    settings = load_config()
    result = report_write.write_report(published, tmp_path, settings.region.indicator_code, chromium=None)
    assert result.html_path == tmp_path / settings.region.indicator_code / f"lansrapport-{YEAR}.html"
    html = result.html_path.read_text(encoding="utf-8")
    page = Page(html)
    assert page.sections == ["sammanfattning", "insatsomraden", "kommunernas-arbete", "lanets-utveckling",
                             "datakvalitet", "metod-och-kallor"]
    areas = text_of(html, "insatsomraden")
    for m in settings.municipalities:
        assert areas.count(m.name) >= 6, m.name  # a row in each area's table
    # every figure is a published indicator value: Örebro's SE01 of the year as published
    value, = warehouse.execute("""select value from export.indicator_values where indicator_id = 'SE01'
                                  and municipality_code = '1880' and period = ? and sex = 'T' and breakdown = 'total'
                                  and unit = 'count'""", [str(YEAR)]).fetchone()
    assert re.search(rf"Örebro {sv_number(value)} ", areas)
    actions = dict(warehouse.execute("""select municipality_code, count(*) from core.municipal_actions
                                        where year = ? group by all""", [YEAR]).fetchall())
    done = text_of(html, "kommunernas-arbete")
    assert f"registrerade {sum(actions.values())} åtgärder under {YEAR}" in text_of(html, "sammanfattning")
    undelivered = [m.name for m in settings.municipalities if not warehouse.execute(
        "select count(*) from core.municipal_actions where municipality_code = ?", [m.code]).fetchone()[0]]
    for name in undelivered:
        assert re.search(rf"{name}( ej levererad){{8}}", done), name  # missing is never zero


# Common English words that are not also Swedish words: any of them in a Swedish report is English text.
ENGLISH = ("the", "and", "of", "with", "from", "this", "that", "which", "where", "when", "is", "are", "was", "were",
           "has", "have", "been", "not", "shown", "missing", "suppressed", "share", "year", "years", "enterprise",
           "enterprises", "municipality", "county", "none", "unknown", "delivered", "report", "total_", "on_track",
           "partly", "not_met", "under_review", "region_", "activities", "persons", "count", "per cent")


def visible_text(html: str) -> str:
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("code", ["1814", "1864", "1880", "0018"])
def test_no_english_word_in_a_swedish_report(published, code):
    text = visible_text(report_write.render_report(published, code)[0])
    found = sorted({w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.IGNORECASE)})
    assert found == [], found


def test_the_english_word_scan_would_see_english():
    text = visible_text("<p>Uppgiften visas inte: the value is not shown.</p>")
    assert [w for w in ENGLISH if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.IGNORECASE)]


def test_the_clumsy_participant_phrase_is_gone(lekeberg):
    text = text_of(lekeberg, "fraga-2")
    assert "Antal deltagare: Uppgiften visas inte" not in text
    assert "(färre än 5 deltagare)" in text


def test_a_register_not_delivered_is_said_in_words_never_zero(published, warehouse):
    """Ljusnarsberg (1864) has not delivered its register of actions: its report says so wherever the
    actions would be told, and never counts them as none."""
    delivered = warehouse.execute("""select count(*) from meta.files where dataset = 'municipal_actions'
                                     and municipality_code = '1864'""").fetchone()[0]
    assert delivered == 0
    html, _ = report_write.render_report(published, "1864")
    summary, work = text_of(html, "sammanfattning"), text_of(html, "kommunens-arbete")
    assert "Kommunen har inte lämnat något register över sina egna beslut och åtgärder" in summary
    assert "(uppgift saknas, inte noll)" in work
    assert "registret över kommunens åtgärder har inte lämnats" in work
    assert "Inga egna beslut eller åtgärder är registrerade" not in work
    assert "Registret över kommunens åtgärder har inte lämnats, så åtgärder utan ansvarig enhet kan inte redovisas." in (
        text_of(html, "samarbeten"))


def test_the_new_export_views_never_pass_a_pseudonym_on():
    """Delivered text the reports read from the new export views (ids, diarienummer, the account, the
    enterprise's name) passes through export.public_text: a pseudonymised personal identity number
    in it never leaves the warehouse."""
    from tests.sqlkit import fixture_db

    pseudonym = "pnr:0123456789abcdef"
    org = "7696405120"
    con = fixture_db({
        "raw.enterprises": [{"org_nr": org, "name": f"Kooperativet {pseudonym}", "municipality_code": LEKEBERG,
                             "is_wise": True, "start_date": "2022-03-01", "cooperation_started": "2022-09-01",
                             "_file_id": "reg"}],
        "raw.agreements": [{"agreement_id": f"AVT {pseudonym}", "municipality_code": LEKEBERG, "org_nr": org,
                            "type": "iop", "start_date": "2022-09-01", "end_date": None, "annual_value_sek": 1000.0,
                            "ledger_account": f"46120 {pseudonym}", "_file_id": "avt"}],
        "raw.municipal_actions": [{"action_id": f"ATG {pseudonym}", "municipality_code": LEKEBERG,
                                   "decision_date": "2024-05-14", "decision_body": "ks",
                                   "diarienummer": f"KS 2024/1 {pseudonym}", "action_type": "follow_up",
                                   "title": pseudonym, "responsible_unit": None, "_file_id": "atg"}],
    })
    try:
        for view in ("report_agreements", "report_municipal_actions", "report_purchases_by_account"):
            rows = con.execute(f"select * from export.{view}").fetchall()
            assert not any(pseudonym in str(v) for row in rows for v in row), view
        assert con.execute("select count(*) from export.report_municipal_actions").fetchone()[0] == 1
        assert con.execute("select agreement_id, ledger_account, enterprise_name from export.report_agreements"
                           ).fetchall() == [(None, None, "enskild näringsidkare")]
    finally:
        con.close()
