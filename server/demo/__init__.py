"""Demo data: a deterministic, realistic world of unions, households, products, sales and learning.

`flask --app wsgi demo-data` calls `load_demo_data`; each module builds one part of the world and
`writer` loads the rows in bulk (COPY on PostgreSQL, Core executemany elsewhere).
"""

from server.demo.loader import DemoDataError, DemoSummary, load_demo_data

__all__ = ["DemoDataError", "DemoSummary", "load_demo_data"]
