"""Statistics forms that enterprises already fill, read beside the long template.

- NBS form 205-1 能源购进、消费与库存 (energy purchases, consumption and stocks): :mod:`carbonkit.forms.nbs205`
  (the rows, the checks, the accounting) and :mod:`carbonkit.forms.nbs205_io` (reading the workbook). The
  workbook is written by :mod:`reports.form205` (presentation).

    >>> from carbonkit.forms import read_form, account_form
    >>> from reports.form205 import write_template
    >>> write_template("205-1.xlsx")  # doctest: +SKIP
"""

from carbonkit.forms.nbs205 import Form205, account_form, form_meta, form_rows
from carbonkit.forms.nbs205_io import read_form

__all__ = ["Form205", "account_form", "form_meta", "form_rows", "read_form"]
