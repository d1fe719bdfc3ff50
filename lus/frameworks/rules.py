"""Permissions for question frameworks (HR of the framework's municipality)."""

import rules

from lus.accounts.rules import is_own_hr

rules.add_perm("frameworks.preview_frameworkversion", is_own_hr)
