"""Hostile names on paper: 1 000 characters, control characters (NUL, ESC @, GS V, BEL, DEL, C1,
U+2028), right-to-left marks and overrides, zero-width characters, a lone surrogate. On every
document that prints a name (receipt, void and refund slips, envelope label, material list,
acceptance slip, correction notice, handover slip), at both paper widths: every line fits the
paper, the name is printed as ``models.names.fit_name`` makes it (one line, controls and
bidi/zero-width characters gone, cut with "…" at NAME_CELLS), no control byte from the name
reaches the ESC/POS stream (ESC @ is only the initialisation), an override does not reorder the
text, and the PNG preview renders."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings

from models.names import NAME_CELLS, fit_name
from printers.data import HandoverData
from printers.document import Document, Line, layout
from printers.escpos import INIT, PrinterProfile, render_escpos
from printers.fonts import FontRef
from printers.labels import acceptance_slip, envelope_label, materials_slip
from printers.layout import PAPER_DOTS, cells, clean
from printers.notices import correction_notice
from printers.preview import MARGIN, render_png, render_text
from printers.receipts import receipt, refund_slip, void_slip
from printers.roster import handover_slip
from printers.samples import (
    APPLICANT,
    AT,
    OFFICE,
    sample_dossier,
    sample_notice,
    sample_receipt,
    sample_refund,
    sample_void,
)
from tests.fuzz.support import hostile_text, tried
from tests.printers.escpos_reader import rasters, text_segments, without_rasters

NAMES = {
    "cjk_1000": "阿" * 1000,
    "latin_1000": "Abdurehim " * 100,
    "controls": "刘\x00强\x1b@\x1dV\x00\x07\x08\r\n\t\x7f\x85\x9b\x1c&X",
    "separators": "王\u2028五\u2029六\x0b七",
    "rtl_override": "王\u202e五六\u202c",
    "rtl_marks": "\u200fAli\u202eVali\u2066ابج\u2069\u200e",
    "zero_width": "阿依古丽\u200b·\u200d买买提\ufeff\u2060\u00ad",
    "markup": "[/][bold]张三[@click=app.quit]",
    "surrogate": "张\ud800三\udfff",
    "mixed_1000": ("阿\u202e依\x00古\u200b丽\x1b·买\u2028买提" * 100)[:1000],
}


def _with(name: str) -> dict[str, Callable[[], Document]]:
    a = dataclasses.replace(APPLICANT, name=name)
    return {
        "receipt": lambda: receipt(dataclasses.replace(sample_receipt(), applicant=a)),
        "void": lambda: void_slip(dataclasses.replace(sample_void(), applicant=a)),
        "refund": lambda: refund_slip(dataclasses.replace(sample_refund(), applicant=a)),
        "label": lambda: envelope_label(sample_dossier(a)),
        "materials": lambda: materials_slip(sample_dossier(a)),
        "acceptance": lambda: acceptance_slip(sample_dossier(a)),
        "notice": lambda: correction_notice(dataclasses.replace(sample_notice(), applicant=a)),
        "handover": lambda: handover_slip(
            HandoverData(
                office=OFFICE,
                campaign_title="2021年度评审",
                handover_no=1,
                receiver="评委会王老师",
                handed_by="负责人刘强",
                handed_at=AT,
                dossiers=(("ZJ21S00057", name),),
            )
        ),
    }


KINDS = tuple(_with("x"))
_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


@pytest.fixture(autouse=True)
def _font(cjk_font: FontRef) -> None:
    global FONT
    FONT = cjk_font


FONT: FontRef


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _check_paper(name: str, kind: str, width: int, *, png: bool = False) -> None:
    lay = layout(_with(name)[kind](), width)
    # every line fits the paper (a scaled line fits its share of it)
    for op in lay.ops:
        if isinstance(op, Line):
            assert cells(op.text) <= lay.cells // op.scale, (kind, op.text)
            assert not any(unicodedata.category(ch) in _HIDDEN for ch in op.text), op.text
    # the name is there as fit_name makes it: whole, in its order, cut with … when too long
    shown = clean(fit_name(name))  # clean: the printer's ¥ is ￥ (the same width)
    assert cells(shown) <= NAME_CELLS
    assert _squeeze(shown) in _squeeze(render_text(lay)), (kind, shown)
    # ESC/POS: the name's bytes are text segments (or raster lines), never commands
    data = render_escpos(lay, PrinterProfile(width_mm=width, font=FONT))
    # the name's "ESC @" did not reset the printer (a raster's dots may hold those bytes)
    assert without_rasters(data).count(INIT) == 1
    for segment in text_segments(data, "gbk"):
        assert not any(unicodedata.category(ch) in _HIDDEN for ch in segment), segment
    if shown and _squeeze(shown) not in _squeeze("".join(text_segments(data, "gbk"))):
        assert rasters(data), "a name the font lacks is painted as a raster line"
    if png:
        image = render_png(lay, FONT)
        assert image.width == PAPER_DOTS[width] + 2 * MARGIN


@pytest.mark.parametrize("width", [58, 80])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", sorted(NAMES))
def test_hostile_names_on_every_document(case: str, kind: str, width: int) -> None:
    _check_paper(NAMES[case], kind, width, png=kind in ("receipt", "label") and width == 58)


def test_what_the_paper_shows() -> None:
    assert fit_name(NAMES["rtl_override"]) == "王五六"  # logical order, override gone
    assert fit_name(NAMES["controls"]) == "刘强@ V &X"  # NUL, ESC, GS, BEL gone; CR LF TAB a space
    assert fit_name(NAMES["cjk_1000"]) == "阿" * 29 + "…"
    text = render_text(layout(_with(NAMES["rtl_override"])["receipt"](), 58))
    assert "姓名：王五六" in text.replace(" ", "")
    data = render_escpos(
        layout(_with(NAMES["rtl_override"])["receipt"](), 58),
        PrinterProfile(width_mm=58, font=FONT),
    )
    assert any("王五六" in s for s in text_segments(data, "gbk"))
    label = render_text(layout(_with(NAMES["cjk_1000"])["label"](), 58))
    assert label.count("阿") == 29 and "…" in label  # two lines of double size, not 63


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=hostile_text(300))
@example(name="\U000111f5\u0301" * 50)  # unassigned and combining: raster, no stacking
@example(name="0000K\U00010000")  # its raster's dots hold the bytes of ESC @
def test_any_name_on_the_receipt_and_the_label(name: str) -> None:
    tried("printers.hostile_name")
    for kind in ("receipt", "label"):
        _check_paper(name, kind, 58)
