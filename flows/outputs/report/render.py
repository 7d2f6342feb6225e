"""The reports' templates (Jinja2, in ``templates/``): one environment with the Swedish filters,
and rendering a template by name into the final page.

Every value is escaped by the environment (autoescape), so a register's text can never become
markup; an undefined name is an error, not an empty string. The templates ship inside the package
(``[tool.setuptools.package-data]``), so an installed socek finds them next to this module. The
rendered page is compacted (line breaks and indentation of the templates dropped), so identical
data give identical bytes and a sentence is one line of text whatever the template's layout.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

from flows.outputs.report.html import (
    capitalized,
    iso_date,
    machine_number,
    suppressed_text,
    sv_date,
    sv_number,
    sv_percent,
    sv_sek,
    sv_value,
)
from flows.outputs.report.text import and_list, count_word, signed_sek

TEMPLATES = Path(__file__).with_name("templates")
_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")
_LINE_BREAK = re.compile(r"\s*\n\s*")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             extensions=["jinja2.ext.do"])
    env.filters.update(number=sv_number, sek=sv_sek, percent=sv_percent, date=sv_date, value=sv_value,
                       capitalized=capitalized, machine=machine_number, count=count_word, and_list=and_list,
                       signed_sek=signed_sek, suppressed=suppressed_text,
                       isodate=iso_date)
    return env


def render(template: str, **context) -> str:
    """The template filled in, compacted to one line of markup per page."""
    html = environment().get_template(template).render(**context)
    return _LINE_BREAK.sub(" ", _BETWEEN_TAGS.sub("><", html)).strip() + "\n"


def macro(template: str, name: str):
    """A macro of a template, to render one piece (a chart, a cell) from Python."""
    return getattr(environment().get_template(template).module, name)
