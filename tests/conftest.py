"""What every test shares: Hypothesis checks properties, never timings (a test asserts no
timing, and the machines that run the suite are shared), so neither its per-example deadline
nor its "input generation is slow" health check may fail a test under load."""

from hypothesis import HealthCheck, settings

settings.register_profile("relais", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("relais")
