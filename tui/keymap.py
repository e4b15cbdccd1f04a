"""The desk's function keys, defined once: across every screen one F-key means one thing.

A screen binds a key through :func:`bind` with the binding's id; the id must be listed under
exactly one key here (tests/tui/test_keymap.py walks every screen's bindings and fails on an
F-key bound outside this table). The label a screen shows may name what the key does there
(F9 受理 on the card, F9 确认收费 at the fee desk), but the meaning is the key's.

    F1  帮助        help
    F2  导入        import a file: the online-approved list, a bank statement
    F3  核对        check against something: paper against the list, bank lines, counted cash
    F4  查找        find an applicant or a unit (on home: the counter, whose first box is find)
    F5  刷新        read again
    F6  日结        the day's close (beginning it asks first: the desk then stops taking fees)
    F7  收费台      the fee desk
    F8  打印任务    the print queue
    F9  确认        do this screen's main thing: accept, take the fee, confirm, submit the count
    F10 退回/作废   undo or send back: return the paper, void a receipt, cancel a close, set a
                    bank line aside
    F11 设定/切换   change a setting of what is shown: the paper window, the payment method, the
                    list shown, one's password
    F12 拒收/退费   what is not kept, on the record: a refusal of paper, a refund of money

Letters and Ctrl keys are a screen's own (the card's y/n/o/s/h/w/p/b/m/c, ^r reprint, ^u users,
^b unit batch); Ctrl+P lists every command, Ctrl+Q quits, Ctrl+L logs out.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from models.i18n import N_


@dataclass(frozen=True, slots=True)
class FunctionKey:
    key: str
    meaning: str  # the msgid of what the key means on every screen
    uses: tuple[str, ...]  # binding ids


KEYMAP: dict[str, FunctionKey] = {
    k.key: k
    for k in (
        FunctionKey("f1", N_("帮助"), ("help",)),
        FunctionKey("f2", N_("导入"), ("home.import", "bank.import")),
        FunctionKey("f3", N_("核对"), ("home.reconcile", "fees.bank", "day.count")),
        FunctionKey(
            "f4", N_("查找"), ("home.counter", "intake.search", "fees.search", "batch.unit")
        ),
        FunctionKey(
            "f5",
            N_("刷新"),
            (
                "home.refresh",
                "card.reload",
                "fees.reload",
                "fee.reload",
                "bank.reload",
                "batch.reload",
                "rec.refresh",
                "jobs.refresh",
                "users.refresh",
                "day.refresh",
            ),
        ),
        FunctionKey("f6", N_("日结"), ("home.day", "day.begin", "count.begin")),
        FunctionKey("f7", N_("收费台"), ("home.fees",)),
        FunctionKey("f8", N_("打印任务"), ("print_jobs",)),
        FunctionKey("f9", N_("确认"), ("card.accept", "fee.take", "day.confirm", "count.submit")),
        FunctionKey(
            "f10", N_("退回/作废"), ("card.return", "fee.void", "day.cancel", "bank.dismiss")
        ),
        FunctionKey(
            "f11", N_("设定/切换"), ("card.extend", "fee.method", "bank.unpaid", "home.password")
        ),
        FunctionKey("shift+f11", N_("设定/切换"), ("fee.method_back",)),
        FunctionKey("f12", N_("拒收/退费"), ("card.refuse", "fee.refund")),
    )
}

_KEY_OF = {use: k.key for k in KEYMAP.values() for use in k.uses}


def key_of(binding_id: str) -> str:
    """The F-key of a binding id (KeyError: the id is not in the keymap)."""
    return _KEY_OF[binding_id]


def bind(
    binding_id: str, action: str, description: str, *, show: bool = True, priority: bool = False
) -> Binding:
    """The binding of ``binding_id`` on the key the keymap gives it."""
    return Binding(
        key_of(binding_id), action, description, show=show, priority=priority, id=binding_id
    )
