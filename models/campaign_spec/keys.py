"""The keys a campaign file may hold, table by table."""

from __future__ import annotations

_TOP_KEYS = {
    "code",
    "notice",
    "title",
    "committee",
    "office",
    "room",
    "address",
    "timezone",
    "year",
    "source",
    "tracks",
    "levels",
    "series",
    "individual_submission",
    "max_online_submissions",
    "defence_levels",
    "defence_exempt",
    "numbers",
    "contacts",
    "header_aliases",
    "windows",
    "fees",
    "checklist",
    "delivery",
    "fee_payment",
    "defence",
    "submissions",
    "paper_window_unstated",
}
_REQUIRED = ("code", "title", "committee", "office", "year", "tracks", "levels", "numbers")
_WINDOW_KEYS = {"start", "end", "series", "label", "clause", "kind", "levels"}
_DELIVERY_KEYS = {"by", "blocks", "clause", "text"}
_FEE_PAYMENT_KEYS = {"methods", "clause", "text"}
_SUBMISSION_KEYS = {"limit", "clause"}
_DEFENCE_KEYS = {
    "rule",
    "levels",
    "when",
    "specialties",
    "counties",
    "verify",
    "mode",
    "text",
    "clause",
}
_DETAIL_KEYS = (
    "scope",
    "fill",
    "parts",
    "stamp_by",
    "watermark_words",
    "condition_text",
    "waived",
    "when_any",
)
_FEE_KEYS = {"track", "level", "yuan", "unknown", "clause"}
_ITEM_KEYS = {
    "key",
    "name",
    "kind",
    "copies",
    "stamp",
    "endorsement",
    "handwritten",
    "watermark",
    "double_sided",
    "match_online",
    "tracks",
    "levels",
    "when",
    "unless",
    "optional",
    "note",
    "clause",
    *_DETAIL_KEYS,
}
