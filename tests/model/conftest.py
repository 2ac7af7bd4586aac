import os

# Passive OpenMP waiting (as `babyvlm train` sets): effective when torch has not been imported yet.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
