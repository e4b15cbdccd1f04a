"""The keys that judge the card's checklist: a verdict (y, n, x), copies (+ -), each check
(o s h w), the parts (p), who brought the paper (b), the form against the online record (m) and
the conditions (c). Each changes the checks and redraws the row (``CardView._set``)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from models.i18n import _
from models.rules import Bringer
from models.services.intake import FORM_FIELDS, ItemCheck, item_parts, relevant_conditions
from models.vocab import ItemKind
from tui.screens.intake.card_view import CardView
from tui.widgets.dialogs import PickDialog

if TYPE_CHECKING:
    from models.campaign import ChecklistItem


class ChecklistKeys(CardView):
    """The card's judging keys (the bindings are ``CardScreen``'s)."""

    def action_verdict(self, what: str) -> None:
        item = self._current()
        if item is None:
            return
        if what == "complete":
            self._set(item, ItemCheck.complete(item), advance=True)
        elif what == "missing":
            self._set(item, ItemCheck.missing(), advance=True)
        else:
            self._set(item, None, advance=False)

    def _base(self, item: ChecklistItem) -> ItemCheck:
        c = self.checks.get(item.key)
        return c if c is not None and c.present else ItemCheck.complete(item)

    def action_copies(self, delta: int) -> None:
        item = self._current()
        if item is None:
            return
        c = self._base(item)
        self._set(
            item, dataclasses.replace(c, copies=max(0, min(99, c.copies + delta))), advance=False
        )

    def action_flip(self, attr: str) -> None:
        item = self._current()
        if item is None:
            return
        applies = {
            "original_checked": item.kind == ItemKind.original_shown.value,
            "stamped_endorsed": item.needs_stamp or item.needs_endorsement,
            "handwritten_ok": bool(item.handwritten),
            "watermark_ok": item.watermark,
        }[attr]
        if not applies:
            what = {
                "original_checked": _("出示原件"),
                "stamped_endorsed": _("盖章签署"),
                "handwritten_ok": _("手写或填写内容"),
                "watermark_ok": _("水印"),
            }[attr]
            self.notify(
                _("“{name}”不需要{what}").format(name=item.name, what=what),
                severity="warning",
                timeout=3,
                markup=False,
            )
            return
        c = self._base(item)
        flipped: dict[str, bool] = {attr: not getattr(c, attr)}
        self._set(item, dataclasses.replace(c, **flipped), advance=False)  # type: ignore[arg-type]

    def action_parts(self) -> None:
        """Tick the parts that are there (主要领导签字、落款日期、公章 …): each its own verdict."""
        item = self._current()
        if item is None:
            return
        each = item_parts(item, self.conditions)
        if not each:
            self.notify(
                _("“{name}”没有需要逐项核对的签字、日期或公章").format(name=item.name),
                severity="warning",
                timeout=3,
                markup=False,
            )
            return
        c = self._base(item)

        def chosen(present: list[str] | None) -> None:
            if present is not None:
                self._set(
                    item,
                    dataclasses.replace(
                        c, missing_parts=tuple(p for p in each if p not in present)
                    ),
                    advance=False,
                )

        self.app.push_screen(
            PickDialog(
                _("{name}：勾选已有的部分（空格勾选，Enter 确定）").format(name=item.name),
                [(p, p, p not in c.missing_parts) for p in each],
            ),
            chosen,
        )

    def action_bringer(self) -> None:
        """Who brought the paper: 单位 → 县市人社局·主管局 → 本人 → 单位 …"""
        if self.card is None or self.card.person is None:
            return
        order = [b.value for b in Bringer]
        self.bringer = (
            order[(order.index(self.bringer) + 1) % len(order)]
            if self.bringer in order
            else order[0]
        )
        self._show_alerts()
        self._refresh_items()
        self.refresh_bindings()

    def action_mismatch(self) -> None:
        item = self._current()
        if item is None:
            return
        if not item.must_match_online:
            self.notify(
                _("“{name}”不需要与网上申报比对").format(name=item.name),
                severity="warning",
                timeout=3,
                markup=False,
            )
            return
        c = self._base(item)

        def chosen(fields: list[str] | None) -> None:
            if fields is not None:
                self._set(
                    item,
                    dataclasses.replace(c, mismatches=tuple(f for f in FORM_FIELDS if f in fields)),
                    advance=False,
                )

        self.app.push_screen(
            PickDialog(
                _("{name}：与网上申报不一致的内容（空格勾选，Enter 确定）").format(name=item.name),
                [(_(f), f, f in c.mismatches) for f in FORM_FIELDS],
            ),
            chosen,
        )

    def action_conditions(self) -> None:
        card = self.card
        if card is None or card.person is None:
            return
        relevant = relevant_conditions(
            card.items, card.person.track, card.person.level, card.extra_conditions
        )
        if not relevant:
            self.notify(_("本申报类别没有可选的适用条件"), timeout=3)
            return

        def chosen(values: list[str] | None) -> None:
            if values is not None:
                self.conditions = set(values)
                self._save_draft()
                self._refresh_items(keep=0)

        self.app.push_screen(
            PickDialog(
                _("适用条件（空格勾选，Enter 确定）：决定哪些材料需要提交"),
                [(c.label, c.value, c.value in self.conditions) for c in relevant],
            ),
            chosen,
        )
