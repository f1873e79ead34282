"""Every table of every capability on one MetaData, for Alembic and the schema test.

Capabilities declare their tables in their own store module (`tables_<capability>.py`, on
`tables.metadata`) and list it here.
"""

from threadline.store import tables
from threadline.store import tables_cases as tables_cases
from threadline.store import tables_collect as tables_collect
from threadline.store import tables_console as tables_console
from threadline.store import tables_faces as tables_faces
from threadline.store import tables_intercept as tables_intercept
from threadline.store import tables_screen as tables_screen
from threadline.store import tables_scripts as tables_scripts
from threadline.store import tables_security as tables_security
from threadline.store.tables import metadata

__all__ = ["metadata", "tables"]
