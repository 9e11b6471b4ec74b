"""Reading /metrics in tests: every sample of one scrape, by name and labels."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(url: str, **headers: str) -> tuple[int, Samples]:
    """Every sample of one scrape, by name and sorted labels."""
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{url}/metrics", headers=headers)
    if response.status_code != 200:
        return response.status_code, {}
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return 200, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]
