"""The ``digest`` command: everything that is not ``mkdocs build`` / ``mkdocs serve``.

Every command is listed in :data:`COMMANDS` with a one-line description; a test
checks that each is documented in the README. Input problems are printed as
``file:line: severity: id=… field=…: message`` lines and exit code 1 — never a
traceback, which editors and translators cannot act on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from .problems import InputError, OutputError, Problem, errors_only

CACHE_DIR = ".cache"  # as the plugin's default cache_dir: validate compiles catalogs into the same cache

COMMANDS: dict[str, str] = {
    "new": "Start a digest of your own: `digest new DIR --languages en,fi` writes a complete minimal digest that builds at once.",
    "validate": "Check the dataset in stats/ and print a one-line summary; exit 1 listing every problem.",
    "schema": "Write the JSON Schema of the dataset files to stats/schema/ (or --check that it is current).",
    "build": "Build the site into site/ atomically: the old site stays if anything fails.",
    "i18n": "Translations: `i18n update` refreshes the catalogs, `i18n status` reports strings and pages per language, "
            "`i18n reviewed PAGE` marks a translated page as following its source page.",
    "serve": "Preview the site at http://127.0.0.1:8000/…, rebuilding on save; `--lang da` builds and watches one language.",
    "bench": "Benchmark cold, warm and one-figure builds against plain MkDocs, interleaved, on the shipped site and synthetic large datasets.",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except InputError as err:
        _print_problems(err.problems)
        errors = len([p for p in err.problems if p.severity == "error"]) or len(err.problems)
        print(f"{errors} problem{'' if errors == 1 else 's'}; nothing was written "
              "(the last good site, if any, is unchanged).", file=sys.stderr)
        return 1
    except OutputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; nothing was written.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digest", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: current folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = sub.add_parser("new", help=COMMANDS["new"])
    new.add_argument("directory", type=Path, help="folder to create (must not exist, or be empty)")
    new.add_argument("--languages", required=True,
                     help="comma-separated language codes, first = default; `code:locale` when the folder name is not "
                          "the Babel locale, e.g. `en,fi` or `no:nb_NO,ko`")
    new.add_argument("--source-language", default=None,
                     help="language the dataset's texts are written in (default: the first language's)")
    new.set_defaults(handler=_new)

    validate = sub.add_parser("validate", help=COMMANDS["validate"])
    validate.set_defaults(handler=_validate)

    schema = sub.add_parser("schema", help=COMMANDS["schema"])
    schema.add_argument("--check", action="store_true", help="exit 1 if the files differ from the model")
    schema.set_defaults(handler=_schema)

    build = sub.add_parser("build", help=COMMANDS["build"])
    build.add_argument("--site-dir", type=Path, default=None, help="output folder (default: site/)")
    build.add_argument("--no-strict", action="store_true", help="let MkDocs warnings pass (never in CI)")
    build.set_defaults(handler=_build)

    i18n = sub.add_parser("i18n", help=COMMANDS["i18n"])
    i18n.add_argument("action", choices=["update", "status", "reviewed"])
    i18n.add_argument("paths", nargs="*", metavar="PAGE",
                      help="reviewed: translated pages now following their source page, e.g. content/da/about.md")
    i18n.add_argument("--lang", action="append", help="only this language (repeatable)")
    i18n.add_argument("--all", action="store_true", help="reviewed: every translated page (of --lang, if given)")
    i18n.add_argument("--strict", action="store_true",
                      help="status: exit 1 if a language has a missing or outdated string or page (not used in CI)")
    i18n.add_argument("--summary", type=Path, default=None,
                      help="status: also append a Markdown report to this file (CI: \"$GITHUB_STEP_SUMMARY\")")
    i18n.set_defaults(handler=_i18n)

    serve = sub.add_parser("serve", help=COMMANDS["serve"])
    serve.add_argument("--lang", default=None, help="build and watch only this language, served at the root")
    serve.add_argument("--dev-addr", default=None, metavar="HOST:PORT", help="address to serve on (default: mkdocs.yml's)")
    serve.set_defaults(handler=_serve)

    bench = sub.add_parser("bench", help=COMMANDS["bench"])
    bench.add_argument("--pairs", type=int, default=5,
                       help="rounds on the shipped site, each pairing cold, warm and edit with a plain build (default 5)")
    bench.add_argument("--scales", default=None,
                       help="synthetic sizes and their rounds, SIZE[:ROUNDS],… (default 100:3,1000:2,10000:1; '' for none)")
    bench.add_argument("--output", type=Path, default=None, help="where to write the JSON results (default: ROOT/bench.json)")
    bench.add_argument("--no-readme", action="store_true", help="do not rewrite the table in ROOT/README.md")
    bench.add_argument("--profile", type=int, metavar="SIZE", default=None,
                       help="instead: print a cProfile of a warm build of SIZE synthetic figures (0: the shipped site)")
    bench.set_defaults(handler=_bench)
    return parser


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    """Everything an outsider can change: dataset, config, catalogs, prose — the build's own checks."""
    from .lint import validate

    try:
        inputs = validate(args.root, args.root / CACHE_DIR)
    except InputError as err:
        _print_problems(err.problems)
        print(f"{len(errors_only(err.problems))} error(s); fix them and run `digest validate` again.", file=sys.stderr)
        return 1
    _print_problems(inputs.warnings)
    print(f"OK: {inputs.summary()}.")
    return 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import create_digest, summary

    target = args.directory if args.directory.is_absolute() else Path.cwd() / args.directory
    written = create_digest(target, args.languages, args.source_language)
    print(summary(args.directory, written))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .schema import write_schemas

    stale = write_schemas(args.root / "stats" / "schema", check=args.check)
    if args.check and stale:
        print("out of date: " + ", ".join(stale) + " (run `digest schema`)", file=sys.stderr)
        return 1
    print("schemas " + ("checked" if args.check else "written") + " in stats/schema/")
    return 0


def _build(args: argparse.Namespace) -> int:
    from .site.build import build_site

    site_dir = build_site(args.root, site_dir=args.site_dir, strict=not args.no_strict)
    print(f"site built in {site_dir}")
    return 0


def _i18n(args: argparse.Namespace) -> int:
    from .i18n_commands import reviewed, status, update

    return {"update": update, "status": status, "reviewed": reviewed}[args.action](args)


def _serve(args: argparse.Namespace) -> int:
    import logging
    import os

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    from .site.serve import serve

    serve(args.root.resolve(), lang=args.lang, dev_addr=args.dev_addr)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from .bench import DEFAULT_SCALES, parse_scales, profile_warm_build, run_benchmark

    if args.profile is not None:
        print(profile_warm_build(args.root, args.profile))
        return 0
    if args.pairs < 1:
        print("--pairs must be at least 1", file=sys.stderr)
        return 2
    try:
        scales = parse_scales(DEFAULT_SCALES if args.scales is None else args.scales)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    run_benchmark(args.root, pairs=args.pairs, scales=scales, output=args.output or args.root / "bench.json",
                  readme=None if args.no_readme else args.root / "README.md")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
