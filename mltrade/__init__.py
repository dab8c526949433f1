"""Notebook-first machine-learning trading research for crypto: data, features, triple-barrier labels, purged CV, models, calibration, T+1 backtests

Modules:

- `mltrade.browser`: The dashboards in a real browser: each page opened in headless Chromium, its charts waited for, a slider moved, a CSV exported, and any JavaScript error a failure."""

__version__ = "0.1.0"
