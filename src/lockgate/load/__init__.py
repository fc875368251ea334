"""The load stage's engine: a scenario, a generated locustfile, a bounded Locust run, its numbers."""
