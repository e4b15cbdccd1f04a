"""Files for the lead's screen tests."""

from __future__ import annotations

from pathlib import Path

from models.idcard import make_check_digit


def rows_csv(path: Path, n: int) -> Path:
    lines = ["姓名,身份证号,工作单位,申报级别,申报类型,审核状态"]
    for i in range(n):
        first17 = f"6528011970{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"
        lines.append(
            f"人{i},{first17 + make_check_digit(first17)},和静县职业技术学校,中级,评审,通过形式审核"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
