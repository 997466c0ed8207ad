"""Statistics forms that enterprises already fill, read and written beside the long template.

- NBS form 205-1 能源购进、消费与库存 (energy purchases, consumption and stocks): :mod:`carbonkit.forms.nbs205`
  (the rows, the checks, the accounting) and :mod:`carbonkit.forms.nbs205_io` (the workbook).

    >>> from carbonkit.forms import write_template, read_form, account_form
    >>> write_template("205-1.xlsx")  # doctest: +SKIP
"""

from carbonkit.forms.nbs205 import Form205, account_form, form_meta, form_rows
from carbonkit.forms.nbs205_io import read_form, write_form, write_template

__all__ = ["Form205", "account_form", "form_meta", "form_rows", "read_form", "write_form", "write_template"]
