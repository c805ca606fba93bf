"""Stage 2 (check) of the 2019 format: which of reportkit's rules apply to it.

The rules themselves are the engine's (`reportkit.check`), written over a report's own rows and
labels, so they read the 2019 layout as they read the 2021 one: table 三 with its 19 numbered
rows (（六）其他处理 one row), table 四 unchanged.

  A, B, C   table 三's arithmetic (勾稽关系), with （六）其他处理 as one row
  T4        table 四's totals
  X         上年结转 = last year's 结转下年度继续办理: 2019 → 2020, and 2020 → 2021 across the
            formats (the 2021 report names the 2020 one as last year's)
  MAX       totals no cell can hold
  D, DL     the report's date (the deadlines were the same)
  P, S      figures in the narrative, and narrative repeated from last year
  BLANK, ZERO  as published: blank cells, and totals printed as 0 over figures that are not

Not applied: R (the 2019 table 二 has no 现行有效件数, only 对外公开总数量), FILL and DRAFT
(a 2019-format file is an old report read back, not a report being written), and the generated
sentences (the format is not rendered).
"""

from __future__ import annotations

RULES = frozenset({"A", "B", "C", "T4", "X", "MAX", "D", "P", "S", "BLANK", "ZERO"})
