"""Import every table so ``SQLModel.metadata`` is complete (Alembic and tests use this)."""

from sqlmodel import SQLModel

from models.audit import AuditEvent
from models.bank import BankLine, BankLineDismissal, BankMatch, BankStatement
from models.campaign import Campaign, ChecklistItem, FeeRule, NumberSequence, PaperWindow
from models.dossier import Dossier, DossierVisit, ItemVerdict, UnitItemCheck
from models.imports import ImportBatch, OnlineChange
from models.online import OnlineRecord
from models.payment import Payment
from models.printjob import PrintJob
from models.release import DeskRelease
from models.tally import DayClose, Handover
from models.users import User

metadata = SQLModel.metadata

__all__ = [
    "AuditEvent",
    "BankLine",
    "BankLineDismissal",
    "BankMatch",
    "BankStatement",
    "Campaign",
    "ChecklistItem",
    "DayClose",
    "DeskRelease",
    "Dossier",
    "DossierVisit",
    "FeeRule",
    "Handover",
    "ImportBatch",
    "ItemVerdict",
    "NumberSequence",
    "OnlineChange",
    "OnlineRecord",
    "PaperWindow",
    "Payment",
    "PrintJob",
    "UnitItemCheck",
    "User",
    "metadata",
]
