"""Generated data (seeded): online-approved rows and their xlsx, a fresh SQLite desk database."""

from __future__ import annotations

from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"


GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红䶮"


UYGHUR = ["阿依古丽", "买买提", "库尔班", "帕提古丽", "古丽娜尔", "吐尔逊", "艾尔肯", "迪丽拜尔"]


UNITS = [
    "和静县职业技术学校",
    "库尔勒市职业技术学校",
    "巴州红旗高级技工学校",
    "轮台县职业技术学校",
    "且末县职业技术学校",
    "博湖县职业技术学校",
    "焉耆县职业技术学校",
    "和硕县职业技术学校",
]


HEADER = [
    "序号",
    "申报编号",
    "姓名",
    "性别",
    "身份证号",
    "工作单位",
    "主管部门",
    "系列",
    "专业",
    "申报类型",
    "申报级别",
    "申报资格名称",
    "审核状态",
    "提交次数",
    "审核通过时间",
    "联系电话",
]


def online_rows(n: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """n synthetic rows of the platform's export (valid, distinct ID numbers)."""
    import random

    from models.idcard import make_check_digit

    rnd = random.Random(seed)
    seen: set[str] = set()
    for i in range(1, n + 1):
        while True:
            first17 = (
                f"6528{rnd.randint(1, 29):02d}{rnd.randint(1960, 2000)}"
                f"{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}{rnd.randint(0, 999):03d}"
            )
            if first17 not in seen:
                seen.add(first17)
                break
        if i % 8 == 0:
            name = "·".join(rnd.sample(UYGHUR, 2))
        else:
            name = rnd.choice(SURNAMES) + "".join(
                rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2)))
            )
        yield [
            i,
            f"BZ{i:08d}",
            name,
            "男",
            first17 + make_check_digit(first17),
            rnd.choice(UNITS),
            "巴州教育局",
            "中等职业学校教师",
            "专业课",
            "评审",
            rnd.choice(("中级", "初级")),
            "讲师",
            "通过形式审核" if i % 6 else "退回修改",
            rnd.randint(1, 3),
            "2021-09-25 05:56",
            f"1{rnd.randint(3000000000, 9999999999)}",
        ]


def write_online_xlsx(path: Path, n: int) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("名单")
    ws.write_row(0, 0, HEADER)
    for r, row in enumerate(online_rows(n), start=1):
        ws.write_row(r, 0, row)
    wb.close()
    return path


def _fresh_sqlite(path: Path, preset: bool = True):  # type: ignore[no-untyped-def]
    from models import migrate
    from models.db import make_engine, session_scope
    from models.permissions import SYSTEM
    from models.services.campaigns import load_campaign, read_preset

    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    if preset:
        with session_scope(engine) as s:
            filename, text = read_preset("000")
            load_campaign(s, SYSTEM, text, filename=filename)
    return engine
