"""``socek suppliers --municipality K``: the ledger suppliers socek cannot identify, for a person to
review, and a draft crosswalk of the proposed matches.

A ledger that carries the publisher's own supplier numbers (or none) cannot be matched to the
register by organisation number, and socek never guesses: such a ledger's purchases from social
enterprises are missing (L), not zero, until the municipality delivers a reviewed crosswalk
(``inbox/<kommun>/supplier_crosswalk/``). This command lists the unidentified suppliers with their
postings and totals, and the register enterprise whose name is most like each one
(``core.supplier_candidates``); ``--out`` writes the proposals as a crosswalk file to check, edit and
deliver. Reads the published database read-only.
"""

from __future__ import annotations

import csv
from pathlib import Path

from flows.outputs.query import open_read_only

CROSSWALK_COLUMNS = ["leverantor_internal_id", "leverantor", "org_nr", "reviewed_by", "reviewed_on"]


def candidates(published: Path, municipality_code: str, *, proposed_only: bool = False) -> list[dict]:
    """The municipality's unidentified suppliers, largest net total first."""
    con = open_read_only(published)
    try:
        cursor = con.execute(f"""
            select supplier_name, supplier_internal_id, postings, amount_sek, first_posting, last_posting,
                   proposed_org_nr, proposed_name, similarity
            from core.supplier_candidates
            where municipality_code = ? {"and proposed_org_nr is not null" if proposed_only else ""}
            order by amount_sek desc, supplier_name""", [municipality_code])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
    finally:
        con.close()


def render(rows: list[dict], municipality_code: str) -> str:
    """The list as plain text for the terminal."""
    if not rows:
        return f"{municipality_code}: every supplier in the ledger is identified (organisation number or crosswalk).\n"
    lines = [f"{municipality_code}: {len(rows)} supplier(s) without an organisation number or crosswalk entry "
             "(largest net total first)", ""]
    for r in rows:
        period = f"{r['first_posting']}..{r['last_posting']}"
        ident = f" [{r['supplier_internal_id']}]" if r["supplier_internal_id"] else ""
        amount = f"{float(r['amount_sek']):,.2f}".replace(",", " ")
        lines.append(f"- {r['supplier_name']}{ident}: {r['postings']} postings, {amount} SEK net, {period}")
        if r["proposed_org_nr"]:
            lines.append(f"    proposed match: {r['proposed_org_nr']} {r['proposed_name']} "
                         f"(name similarity {r['similarity']})")
    lines += ["", "Review the proposed matches; deliver the accepted ones as "
              f"inbox/{municipality_code}/supplier_crosswalk/<file>.csv (columns: {', '.join(CROSSWALK_COLUMNS)}). "
              "`--out FILE` writes them as a draft."]
    return "\n".join(lines) + "\n"


def write_draft(rows: list[dict], target: Path) -> int:
    """The proposed matches as a crosswalk file (UTF-8, ';'), reviewed_by/reviewed_on left for the
    reviewer; returns how many rows were written."""
    proposed = [r for r in rows if r["proposed_org_nr"]]
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(CROSSWALK_COLUMNS)
        for r in proposed:
            writer.writerow([r["supplier_internal_id"] or "", r["supplier_name"], r["proposed_org_nr"], "", ""])
    return len(proposed)
