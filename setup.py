"""Packages for setuptools (the rest of the metadata is in pyproject.toml).

The top-level `resources/` and `forms/` folders are not Python packages; pyproject.toml's
`package-dir` maps them to `cadre_desktop.resources` and `cadre_desktop.forms`, listed here beside
the packages found under cadre_desktop/.
"""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["cadre_desktop", "cadre_desktop.*"])
      + ["cadre_desktop.resources", "cadre_desktop.forms"])
