"""The fee desk's rules (收费): the fee of an accepted dossier, one payment per dossier with a
gapless receipt number, voids and refunds that leave the original untouched, and the cashier's
queue (accepted, unpaid).

A payment row is never updated or deleted (the database refuses it, see migration 0004). A void
or a refund is a new row pointing at the original (``original_id``); each takes the next receipt
number, so the day's receipt numbers run 1..N without a gap and every number is a row.

One live payment per dossier: the dossier row is locked first, so two desks on one dossier wait
for each other and the second finds it paid; the database backs this with a unique index on
(dossier, attempt) for payments, where ``attempt`` counts the dossier's earlier payments. A
payment is *live* while it is neither voided nor refunded in full; a dead one no longer pays for
its dossier, which goes back to the cashier's queue.

One live payment per reference: a bank serial, POS slip or QR order number books one payment.
Two desks typing the same serial at the same instant both find it unused, so the database
decides: each payment of a (campaign, method, reference) takes the next place
(``reference_seq``, the number of payments of it before) and a unique index refuses a second
row in one place; the desk that loses is told the reference is used. A void frees the
reference: the next payment of it takes the next place.
Idempotency: the desk sends a key per confirmation (a double Enter or a retry after a crash sends
the same key) and gets back the payment that key made, never a second one.
"""

from __future__ import annotations

from models.services.payments.batch_key import LineKey, line_key
from models.services.payments.corrections import refund_payment, void_payment
from models.services.payments.live import (
    check_day_open,
    dead_reason,
    live_clause,
    live_payment,
    refunded_fen,
)
from models.services.payments.reads import FeeCard, QueueLine, cashier_queue, fee_card, find_dossier
from models.services.payments.rules import (
    REFERENCE_LABELS,
    REFUND_REASONS,
    VOID_REASONS,
    PaymentRefused,
    business_date,
    check_method,
    clean_reference,
    parse_method,
)
from models.services.payments.rules import _clean_fiscal as _clean_fiscal
from models.services.payments.take import take_payment

__all__ = [
    "REFERENCE_LABELS",
    "REFUND_REASONS",
    "VOID_REASONS",
    "FeeCard",
    "LineKey",
    "PaymentRefused",
    "QueueLine",
    "business_date",
    "cashier_queue",
    "check_day_open",
    "check_method",
    "clean_reference",
    "dead_reason",
    "fee_card",
    "find_dossier",
    "line_key",
    "live_clause",
    "live_payment",
    "parse_method",
    "refund_payment",
    "refunded_fen",
    "take_payment",
    "void_payment",
]
