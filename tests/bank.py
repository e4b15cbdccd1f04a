"""What the bank tests share: the office with the applicants a September statement talks
about, that statement (an Agricultural Bank CSV export) and its parts, lines by serial."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from models.services.bank import LineProposal
from tests.factories import Office, accepted, applicant, applicant_id, office

OFFICE_ID = "652801198001010024"  # 阿依古丽·买买提, ZJ21S00001, paid in the office fixture


def statement_csv(path: Path, rows: list[list[str]], encoding: str = "gb18030") -> Path:
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode(encoding))
    return path


TITLE = [
    ["中国农业银行账户交易明细"],
    ["账号：6228 4800 1234 5678 901", "户名：巴州职称办"],
    ["查询期间：2021-09-01 至 2021-09-30"],
]
HEADER = [
    "交易日期",
    "交易时间",
    "收入金额",
    "支出金额",
    "余额",
    "对方户名",
    "对方账号",
    "摘要",
    "附言",
    "交易流水号",
]


def statement_line(
    date: str, credit: str, payer: str, memo: str, note: str, serial: str, debit: str = ""
) -> list[str]:
    return [date, "10:20:30", credit, debit, "", payer, "6217000012345678", memo, note, serial]


def bank_office(session: Session) -> Office:
    """The office plus the applicants ``bank_statement`` talks about."""
    o = office(session)
    accepted(session, o, n=1, name="张伟")  # ZJ21S00002
    accepted(session, o, n=2, name="李娜")  # ZJ21S00003
    accepted(session, o, n=3, name="王芳", level="初级")  # ZJ21S00004, 220 yuan
    accepted(session, o, n=4, name="马丽")  # ZJ21S00005
    accepted(session, o, n=5, name="马丽")  # ZJ21S00006: the same name, the same fee
    accepted(session, o, n=6, name="阿依努尔·艾力")  # ZJ21S00007
    applicant(session, o.campaign, n=7, name="陈静")  # online only: paper not accepted
    accepted(session, o, n=8, name="刘洋")  # ZJ21S00008
    session.commit()
    return o


def bank_statement(tmp_path: Path) -> Path:
    rows = [
        *TITLE,
        HEADER,
        statement_line(
            "2021-09-27", "380.00", "和静县职业技术学校", "代缴评审费", applicant_id(1), "A0001"
        ),  # 5
        statement_line("2021/9/27", "￥380.00", "某某", "ZJ21S00003 评审费", "", "A0002"),
        statement_line("20210927", "220", "王某", "", "王芳职称评审费", "A0003"),
        statement_line("2021-09-28", "380.00", "刘洋", "评审费", "", "A0004"),
        statement_line("2021-09-28", "380.00", "和静县某单位", "阿依努尔•艾力 评审费", "", "A0005"),
        statement_line("2021-09-28", "380.00", "某某", "马丽评审费", "", "A0006"),  # 10
        statement_line(
            "2021-09-28", "760.00", "和静县职业技术学校", "张伟、李娜评审费", "", "A0007"
        ),
        statement_line("2021-09-28", "110.00", "王某", "王芳评审费（部分）", "", "A0008"),
        statement_line("2021-09-29", "380.00", "陈某", "陈静评审费", "", "A0009"),
        statement_line("2021-09-29", "380.00", "买某", f"{OFFICE_ID} 评审费", "", "A0010"),
        statement_line("2021-09-29", '"1,200.00"', "某公司", "货款", "", "A0011"),  # 15
        statement_line("2021-09-29", "", "农行", "手续费", "", "A0012", debit="50.00"),
        statement_line("2021-13-45", "380.00", "某某", "评审费", "", "A0013"),
        statement_line("2021-09-30", "三百八", "某某", "评审费", "", "A0014"),
        ["合计", "", "3,850.00", "50.00", "", "", "", "", "", ""],
    ]
    return statement_csv(tmp_path / "农行流水202109.csv", rows)


def by_serial(result: list[LineProposal]) -> dict[str, LineProposal]:
    return {p.serial: p for p in result}
