"""The file contracts every package reads and writes. The bottom layer: imports nothing else of
babyvlm except `babyvlm.errors`."""
