"""The handover roster as ``desk roster show --json`` gives it: every group and line, and the
dossiers left out. Registers no command (``tui.cli.handover`` does); never imports Textual."""

from __future__ import annotations

from typing import Any


def roster_json(r: Any) -> dict[str, Any]:
    return {
        "campaign": r.campaign_code,
        "title": r.title,
        "generated_at": r.generated_at.isoformat(),
        "include_handed_over": r.include_handed_over,
        "total": r.total,
        "must_defend": r.must_defend,
        "exempt": r.exempt,
        "not_required": r.not_required,
        "to_hand_over": r.to_hand_over,
        "defence_levels": list(r.defence_levels),
        "exemptions": list(r.exemptions),
        "groups": [
            {
                "series": g.series,
                "specialty": g.specialty,
                "level": g.level,
                "count": len(g.lines),
                "must_defend": g.must_defend,
                "lines": [
                    {
                        "dossier": x.dossier_code,
                        "name": x.name,
                        "id": x.id_masked,
                        "unit": x.unit,
                        "county": x.county,
                        "track": x.track,
                        "level": x.level,
                        "receipt": x.receipt_code,
                        "defence": x.defence,
                        "must_defend": x.must_defend,
                        "verify": x.verify,
                        "handover_no": x.handover_no,
                    }
                    for x in g.lines
                ],
            }
            for g in r.groups
        ],
        "left_out": [
            {
                "dossier": x.dossier_code,
                "name": x.name,
                "unit": x.unit,
                "track": x.track,
                "level": x.level,
                "reason": x.reason,
            }
            for x in r.left_out
        ],
    }
