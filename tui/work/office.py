"""The office and the applicant as every document prints them: the committee, its place and
contacts; the name, the masked ID number, the unit and the level applied for."""

from __future__ import annotations

from typing import Any, Protocol

from models.idcard import mask_id
from printers.data import Applicant, Office


class _OfficeLike(Protocol):
    @property
    def committee(self) -> str: ...
    @property
    def place(self) -> str: ...
    @property
    def contacts(self) -> list[dict[str, Any]]: ...
    @property
    def timezone(self) -> str: ...


class _PersonLike(Protocol):
    name: str
    id_number: str
    unit: str
    series: str
    specialty: str


class _LevelLike(Protocol):
    track: str
    level: str


def office_of(c: _OfficeLike) -> Office:
    contacts = "；".join(f"{x.get('name', '')} {x.get('phone', '')}".strip() for x in c.contacts)
    return Office(committee=c.committee, place=c.place, contacts=contacts, timezone=c.timezone)


def applicant_of(rec: _PersonLike, dossier: _LevelLike) -> Applicant:
    return Applicant(
        name=rec.name,
        id_masked=mask_id(rec.id_number),
        unit=rec.unit,
        series=rec.series,
        specialty=rec.specialty,
        track=dossier.track,
        level=dossier.level,
    )
