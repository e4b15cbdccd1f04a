"""Importing a bank statement once per campaign, and the statements imported."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models import audit
from models.bank import BankLine, BankStatement
from models.campaign import Campaign
from models.errors import Conflict, InvalidInput
from models.i18n import _
from models.money import Money
from models.online_columns import clean_text
from models.permissions import Action, Actor, require
from models.services.bank.parse import (
    _cell,
    _derived_serial,
    _filled,
    _find_account,
    _find_header,
    _is_blank,
    _is_total,
    _row_amount,
    _RowError,
    parse_date,
)
from models.services.bank.records import KnownLine, SkippedLine, StatementSummary
from models.tabular import read_table
from models.types import utcnow
from models.users import User

# -- import -----------------------------------------------------------------------------------


def import_statement(
    session: Session, actor: Actor, campaign: Campaign, path: Path
) -> StatementSummary:
    """Import a bank statement into the campaign. The caller commits; refused or failed, nothing
    is written."""
    require(actor, Action.bank_match)
    assert campaign.id is not None
    if actor.user_id is None:
        raise InvalidInput(_("请以收费员或负责人身份登录后导入"), code="bank.no_user")
    table = read_table(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    before = session.exec(
        select(BankStatement).where(
            BankStatement.campaign_id == campaign.id, BankStatement.sha256 == sha
        )
    ).first()
    if before is not None:
        who = session.get(User, before.imported_by)
        raise Conflict(
            _(
                "“{name}”已于 {imported_at:%Y-%m-%d %H:%M} 导入过（{user}，第 {id} 号流水）：同一文件不再重复导入"
            ).format(
                name=path.name,
                imported_at=before.imported_at.astimezone(campaign.zone),
                user=who.display_name or who.username if who else "",
                id=before.id,
            ),
            code="bank.already_imported",
            statement_id=before.id,
        )
    rows = table.rows
    cols = _find_header(rows, path.name)
    account = _find_account(rows[: cols.header_line - 1])
    now = utcnow()
    summary = StatementSummary(
        statement_id=0,
        filename=path.name,
        sha256=sha,
        sheet=table.sheet,
        header_line=cols.header_line,
        columns=cols.headers,
        account=account,
    )
    if "payer_name" not in cols.fields:
        summary.warnings.append(_("表中没有“对方户名”列：只能按摘要/附言匹配"))
    if not cols.memo_cols:
        summary.warnings.append(_("表中没有“摘要/附言/用途/备注”列：只能按付款人姓名匹配"))
    if "serial" not in cols.fields:
        summary.warnings.append(_("表中没有“流水号”列：流水号按日期、金额、付款人和摘要生成"))

    f = cols.fields
    parsed: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    occurrences: Counter[tuple[Any, ...]] = Counter()
    data_rows = 0
    for i in range(cols.header_line, len(rows)):
        row, line = rows[i], i + 1
        if _is_blank(row):
            continue
        date_cell = _cell(row, f["date"])
        amount_cells = [_cell(row, f.get(k)) for k in ("credit", "debit", "amount") if k in f]
        try:
            day: dt.date | None = parse_date(date_cell)
        except _RowError:
            day = None
        if day is None and _is_total(row):
            summary.ignored.append((line, _("合计行")))
            continue
        if not _filled(date_cell) and not any(_filled(c) for c in amount_cells):
            summary.ignored.append((line, _("不是流水行（没有日期和金额）")))
            continue
        data_rows += 1
        try:
            day = parse_date(date_cell)
            fen = _row_amount(row, cols)
        except _RowError as exc:
            summary.skipped.append(SkippedLine(line, exc.code, exc.reason))
            continue
        payer = clean_text(_cell(row, f.get("payer_name")))[:200]
        payer_account = clean_text(_cell(row, f.get("payer_account")))[:60]
        parts: list[str] = []
        for j in cols.memo_cols:
            text = clean_text(_cell(row, j))
            if text and text not in parts:
                parts.append(text)
        memo = " ".join(parts)
        serial = clean_text(_cell(row, f.get("serial"))).replace(" ", "")
        if len(serial) > 100:
            summary.skipped.append(
                SkippedLine(
                    line,
                    "row.bad_serial",
                    _("流水号过长（{count} 位，最多 100 位）").format(count=len(serial)),
                )
            )
            continue
        if not serial:
            key = (day, fen, payer, payer_account, memo)
            occurrences[key] += 1
            serial = _derived_serial(
                account, day, fen, payer, payer_account, memo, occurrences[key]
            )
        if serial in seen:
            summary.skipped.append(
                SkippedLine(
                    line,
                    "row.duplicate_serial",
                    _("流水号 {serial} 与第 {seen} 行相同，本行未导入").format(
                        serial=serial, seen=seen[serial]
                    ),
                )
            )
            continue
        seen[serial] = line
        parsed.append(
            {
                "line_no": line,
                "txn_date": day,
                "amount_fen": fen,
                "payer_name": payer,
                "payer_account": payer_account,
                "memo": memo,
                "serial": serial,
            }
        )
    if data_rows == 0:
        raise InvalidInput(
            _("“{name}”表头（第 {header_line} 行）下面没有流水行").format(
                name=path.name, header_line=cols.header_line
            ),
            code="bank.no_rows",
        )
    if not parsed:
        first = "；".join(
            _("第 {line} 行：{reason}").format(line=s.line, reason=s.reason)
            for s in summary.skipped[:3]
        )
        raise InvalidInput(
            _("“{name}”中没有可以导入的流水行（{first}）").format(name=path.name, first=first),
            code="bank.no_valid_rows",
        )

    known: dict[str, int] = {}
    serials = [p["serial"] for p in parsed]
    for start in range(0, len(serials), 1000):
        known.update(
            session.exec(
                select(BankLine.serial, BankLine.statement_id).where(
                    BankLine.campaign_id == campaign.id,
                    col(BankLine.serial).in_(serials[start : start + 1000]),
                )
            ).all()
        )
    new = []
    for p in parsed:
        if p["serial"] in known:
            summary.known.append(KnownLine(p["line_no"], p["serial"], known[p["serial"]]))
        else:
            new.append(p)
    credits = [p for p in new if p["amount_fen"] > 0]
    statement = BankStatement(
        campaign_id=campaign.id,
        filename=path.name[:300],
        sha256=sha,
        account=account,
        imported_by=actor.user_id,
        imported_at=now,
        line_count=len(new),
        credit_count=len(credits),
    )
    try:  # another desk importing the same file or lines at this moment: the indexes refuse
        with session.begin_nested():
            session.add(statement)
            session.flush()
            if new:
                session.execute(
                    insert(BankLine),
                    [
                        {
                            **p,
                            "statement_id": statement.id,
                            "campaign_id": campaign.id,
                            "created_at": now,
                        }
                        for p in new
                    ],
                )
    except IntegrityError:
        raise Conflict(
            _("另一个窗口刚刚导入了同一文件或其中的流水：请刷新后重新导入"), code="bank.import_race"
        ) from None
    assert statement.id is not None
    summary.statement_id = statement.id
    summary.lines, summary.credits = len(new), len(credits)
    summary.debits = len(new) - len(credits)
    summary.credit_total = Money(sum(p["amount_fen"] for p in credits))
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="bank.import",
        entity="bank_statement",
        entity_id=statement.id,
        campaign_id=campaign.id,
        desk=actor.desk,
        at=now,
        detail={"file": path.name, "sha256": sha, "account": account, **summary.counts()},
    )
    return summary


def statements(session: Session, actor: Actor, campaign: Campaign) -> list[BankStatement]:
    """The campaign's imported statements, newest first. Needs ``bank.match``."""
    require(actor, Action.bank_match)
    return list(
        session.exec(
            select(BankStatement)
            .where(BankStatement.campaign_id == campaign.id)
            .order_by(col(BankStatement.id).desc())
        )
    )
