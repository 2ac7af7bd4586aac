"""Whole-framework runs: the end-to-end demo and developmental learning curves.

Each is a list of resumable steps that call the library (never the CLI): world -> pretraining set
-> DevCV Toolbox -> training stages -> evaluation -> report.
"""
