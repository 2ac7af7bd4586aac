"""babyvlm: developmentally grounded vision-language modelling (BabyVLM-V2, BabyVLM)."""

__version__ = "0.1.0"
