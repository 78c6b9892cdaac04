"""docs/templates.md describes exactly the API templates receive: every public helper of `rs`,
`ts` and `doc` is documented, and every helper the document names exists."""

from __future__ import annotations

import inspect
import re

import pytest

from tests.conftest import REPO
from xccgen.render import DocApi
from xccgen.render.rust import RustApi
from xccgen.render.ts import TsApi

DOC = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
APIS = {"rs": RustApi, "ts": TsApi, "doc": DocApi}


def public(api: type) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(api)
        if not name.startswith("_") and (callable(member) or isinstance(member, property))
    }


@pytest.mark.parametrize("prefix", list(APIS))
def test_every_helper_is_documented_and_every_documented_helper_exists(prefix):
    documented = set(re.findall(rf"`{prefix}\.([a-z_]+)", DOC))
    helpers = public(APIS[prefix])
    assert helpers - documented == set(), f"undocumented {prefix}.* helpers"
    assert (
        documented - helpers == set()
    ), f"docs/templates.md names {prefix}.* helpers that do not exist"
