import os

import matplotlib
import numpy as np
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")

settings.register_profile(
    "book", derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "book"))


def pytest_configure(config):
    np.set_printoptions(legacy=False)
