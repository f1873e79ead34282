"""The analyst console: dashboard, search, ads, networks, statistics, faces, intercept, cases,
the tip queue."""

from threadline.web.console import ads as ads
from threadline.web.console import cases as cases
from threadline.web.console import dashboard as dashboard
from threadline.web.console import faces as faces
from threadline.web.console import intercept as intercept
from threadline.web.console import networks as networks
from threadline.web.console import search as search
from threadline.web.console import stats as stats
from threadline.web.console import tips as tips

ROUTERS = (
    dashboard.router,
    search.router,
    ads.router,
    networks.router,
    stats.router,
    faces.router,
    intercept.router,
    cases.router,
    tips.router,
)

__all__ = ["ROUTERS"]
