"""The 2019 national format (国办公开办函〔2019〕60号): a report kind of its own.

Reports on 2019 and 2020 follow this older layout. reportkit reads them (a data file with
``format = "gov-info-disclosure-2019"``, or a published document through `reportkit import`)
and checks them (rules A, B, C, T4, MAX, and X within and across the formats); it does not render
them. The kind is self-contained so that it can move to ``kinds/gov_info_2019/`` unchanged:

  model    the schema and the paper form's row and column labels (stage 1)
  rules    which consistency rules apply to it (stage 2)
  writer   its tables in a data file, as `reportkit new` and `reportkit import` write them

What it shares with the 2021 format comes from `reportkit.model`: table 三's columns and its
rows up to （五）, table 四, the agency and the narrative.
"""

from reportkit.format2019.model import FORMAT_2019, Report2019

__all__ = ["FORMAT_2019", "Report2019"]
