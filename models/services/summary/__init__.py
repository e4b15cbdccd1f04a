"""The campaign summary (汇总): paper and fees to date against the online-approved list, per
county and per unit within the county, with the totals and by track × level.

Counts and money only — no names, no ID numbers, no phones (those are in the reconciliation,
``models.services.reconcile``). It is still the lead's (``Action.tally_view``) and each reading
is recorded in the audit log, like the other tally views.

What each figure means, for one online record (one applicant of the campaign's list):

* ``online``: every record of the online list, whatever its status.
* ``approved``: records whose online status is 通过形式审核 (``ONLINE_APPROVED``).
* The paper state of a record is exactly one of: *accepted* (its dossier is accepted or handed
  over), *returned* (its dossier was returned with a correction notice and has not been accepted
  since: 退回补正未再报送) or *none* (no dossier). So for the approved records
  ``accepted + returned + no_paper == approved``, in every row and in the totals.
* ``paid``: approved and accepted, with a live payment (a payment row no void points at; a
  partial or full refund does not make it unpaid — the cashier's queue counts it the same way).
  ``paid <= accepted``; ``accepted - paid`` is what the fee desk still has to take.
* ``handed_over``: approved records whose dossier was handed to the committee (⊆ accepted).
* ``other_paper``: records *not* approved online (their status changed after the counter took
  the paper — the online import flags these — or the paper was taken under another status) that
  have a dossier accepted or returned. They are outside the identity above and outside every
  other count, and are shown on their own so that the lead checks them.
* ``fee_net_fen``: the money of every dossier of the row's records, in fen: payments − voids −
  refunds. It includes ``other_paper`` records' money, so the campaign total ties out with the
  tally (every payment, void and refund row of the campaign up to ``until``).

Rows group records by the online record's county and unit (``""`` is shown as （未填县市） and
（未填单位）) and its track and level. Totals are the sums of the rows; each county's figures are
the sums of its units.

``until`` (an instant; a naive one is read in the campaign's time zone) gives the figures as
they stood then: a dossier counts as accepted from ``accepted_at``, as returned from its first
visit at the counter, as handed over from ``handed_over_at`` (a missing time falls back to the
acceptance or the row's creation); a payment, void or refund counts from its ``created_at``.
The online list itself is the one last imported (it has no history).

Everything is computed by one aggregate query grouped by county, unit, track and level, so it
stays fast on a campaign of 200 000 records; Python only adds up the groups.
"""

from __future__ import annotations

from models.services.summary.build import build, campaign_summary
from models.services.summary.export import HEADERS, summary_xlsx
from models.services.summary.records import (
    NO_COUNTY,
    NO_UNIT,
    TOTAL,
    CampaignSummary,
    CountyRow,
    Figures,
    GroupRow,
    UnitRow,
)

__all__ = [
    "HEADERS",
    "NO_COUNTY",
    "NO_UNIT",
    "TOTAL",
    "CampaignSummary",
    "CountyRow",
    "Figures",
    "GroupRow",
    "UnitRow",
    "build",
    "campaign_summary",
    "summary_xlsx",
]
