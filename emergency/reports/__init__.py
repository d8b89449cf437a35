"""Reports for the carers' strategy group: figures aggregated in SQL, charts and tables, CSV."""
