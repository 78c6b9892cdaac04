"""Seeded random mutations of spec and ABI documents, for tests that feed xccgen hostile input
and require a clear error (never a traceback) whatever the mutation."""

from __future__ import annotations

import copy
import random
from typing import Any


def places(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in a JSON-like document, the deepest ones included."""
    found = []
    children = node.items() if isinstance(node, dict) else enumerate(node)
    for key, child in list(children):
        found.append((node, key))
        if isinstance(child, (dict, list)):
            found += places(child)
    return found


def mutate(document: Any, rng: random.Random, values: list, keys: list) -> None:
    """Change one place, chosen uniformly: replace or delete a value, or add a key beside it."""
    container, key = rng.choice(places(document))
    roll = rng.random()
    if roll < 0.6:
        container[key] = copy.deepcopy(rng.choice(values))
    elif roll < 0.8:
        del container[key]
    elif isinstance(container, dict):
        container[rng.choice(keys)] = copy.deepcopy(rng.choice(values))
    else:
        container.insert(key, copy.deepcopy(rng.choice(values)))


def mutants(documents: list, count: int, seed: int, values: list, keys: list):
    """`count` mutated copies of the documents, each changed in one to three places."""
    rng = random.Random(seed)
    for _ in range(count):
        document = copy.deepcopy(rng.choice(documents))
        for _ in range(rng.randint(1, 3)):
            mutate(document, rng, values, keys)
        yield document
