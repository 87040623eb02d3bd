"""`leadline analyze`: flow metrics, forecasts, charts and an HTML report from tracker files.

Runs without a database or Django; submodules load Polars only when used.
"""
