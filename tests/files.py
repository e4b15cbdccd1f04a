"""Files a test hands the desk: online-approved lists, as the platform exports them or another
bureau writes them."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from models.idcard import make_check_digit


def with_check_digit(first17: str) -> str:
    """A valid ID number from its first 17 characters."""
    return first17 + make_check_digit(first17)


GOOD = with_check_digit("65280119850315123")
GOOD2 = with_check_digit("65282219900101234")


def quirky_xlsx(path: Path) -> Path:
    """Another bureau's export: a merged title row, headers written their own way, an extra
    column, and every kind of bad row."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    ws.merge_range(0, 0, 0, 7, "2021年度中职教师职称评审 网上通过形式审核人员名单")
    ws.write_row(
        1,
        0,
        ["序号", "姓　名", "公民身份号码", "单位名称", "申报级别", "评审类型", "当前状态", "备注"],
    )
    rows: list[list[object]] = [
        [1, "阿依古丽•买买提", GOOD, "和静县 职业技术学校", "中级", "评审", "通过形式审核", "补交"],
        [
            2,
            "张三",
            GOOD[:17] + str((int(GOOD[17]) + 1) % 10) if GOOD[17] != "X" else GOOD[:17] + "0",
            "轮台县职业技术学校",
            "中级",
            "评审",
            "通过形式审核",
            "",
        ],
        [3, "李四", "65280119850315", "轮台县职业技术学校", "中级", "评审", "通过形式审核", ""],
        [4, "王五", 6.54221199804186e17, "轮台县职业技术学校", "初级", "评审", "通过形式审核", ""],
        [5, "赵六", "", "轮台县职业技术学校", "初级", "评审", "通过形式审核", ""],
        [
            6,
            "钱七",
            with_check_digit("65282219880808123"),
            "轮台县职业技术学校",
            "特级",
            "评审",
            "通过形式审核",
            "",
        ],
        [
            7,
            "孙八",
            with_check_digit("65282219880808124"),
            "轮台县职业技术学校",
            "初级",
            "考核认定",
            "通过形式审核",
            "",
        ],
        [8, "阿依古丽买买提", GOOD, "和静县职业技术学校", "中级", "评审", "通过形式审核", ""],
        [
            9,
            "周九",
            with_check_digit("65282219880808125"),
            "轮台县职业技术学校",
            "初级",
            "评审",
            "退回修改",
            "",
        ],
        [
            10,
            "吴　十",
            "'"
            + GOOD2[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            + GOOD2[-1].lower(),
            "博湖县职业技术学校",
            "助理级",
            "初次认定",
            "通过形式审核",
            "",
        ],
        [None, None, None, None, None, None, None, None],
        ["合计", "10 人", None, None, None, None, None, None],
    ]
    for i, row in enumerate(rows, start=2):
        for j, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, float | int):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
    wb.close()
    return path


def rows_csv(path: Path, n: int) -> Path:
    """A plain CSV online list of ``n`` approved applicants (人0, 人1 …), each a valid ID."""
    lines = ["姓名,身份证号,工作单位,申报级别,申报类型,审核状态"]
    for i in range(n):
        first17 = f"6528011970{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
        lines.append(f"人{i},{with_check_digit(first17)},和静县职业技术学校,中级,评审,通过形式审核")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
