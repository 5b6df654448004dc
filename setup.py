"""pre-commit installs a hook repository with `pip install .`; this file is what that installs.

It is a shim with no code of its own that depends on the crosswire wheel of the same version
(the one in Cargo.toml) from PyPI, so the hook installs a prebuilt binary instead of compiling
Rust, as ruff's pre-commit mirror does. The wheel itself is built from python/pyproject.toml.
"""

import re
from pathlib import Path

from setuptools import setup

cargo_toml = (Path(__file__).resolve().parent / "Cargo.toml").read_text(encoding="utf-8")
version = re.search(r'^version = "([^"]+)"', cargo_toml, re.MULTILINE).group(1)

setup(
    name="crosswire-pre-commit",
    version=version,
    description="Installs the crosswire wheel for the pre-commit hook",
    license="MIT",
    install_requires=[f"crosswire=={version}"],
    packages=[],
    py_modules=[],
)
