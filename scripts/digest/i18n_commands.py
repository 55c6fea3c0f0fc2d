"""``digest i18n update | status | reviewed``: what translators run, kept apart from the argument parser.

``status`` reports and exits 0 however incomplete the translations are: completeness
decides whether a language is published (see :mod:`digest.progress`), not whether a
change may merge. It exits 1 only for a catalog the build would refuse (placeholders,
syntax) — or, with ``--strict``, for anything missing or outdated.
"""

from __future__ import annotations

import argparse
import sys

from .problems import InputError, Problem


def _guarded_inputs(root):  # noqa: ANN001, ANN202
    """Config and dataset, after the guard: catalogs are read and rewritten here, never through a link."""
    from .config import load_config
    from .guard import guard_inputs
    from .load import load_dataset

    guard_inputs(root)
    config = load_config(root)
    return config, load_dataset(root / "stats", config.quotes.required)


def update(args: argparse.Namespace) -> int:
    from .catalogs import update_catalogs

    config, dataset = _guarded_inputs(args.root)
    for line in update_catalogs(args.root, config, dataset, args.lang):
        print(line)
    return 0


def status(args: argparse.Namespace) -> int:
    from .progress import collect

    _guarded_inputs(args.root)
    report = collect(args.root, args.lang)
    print(report.as_text())
    if args.summary is not None:
        with open(args.summary, "a", encoding="utf-8") as handle:
            handle.write(report.as_markdown())
    if report.problems:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        print(f"{len(report.problems)} broken catalog entr{'y' if len(report.problems) == 1 else 'ies'}; "
              "the build would stop on them.", file=sys.stderr)
        return 1
    if args.strict and not report.complete:
        print("incomplete translations (strict mode)", file=sys.stderr)
        return 1
    return 0


def reviewed(args: argparse.Namespace) -> int:
    from .config import load_config
    from .tracking import mark_all_reviewed, mark_reviewed

    config = load_config(args.root)
    if args.all == bool(args.paths):
        raise InputError([Problem("digest i18n reviewed", None, None, None,
                                  "name the translated pages you reviewed (e.g. content/da/about.md), or --all")])
    if args.all:
        lines = mark_all_reviewed(args.root, config.codes, config.default.code, args.lang)
    else:
        lines = mark_reviewed(args.root, args.paths, config.codes, config.default.code)
    for line in lines:
        print(line)
    return 0
