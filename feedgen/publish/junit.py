"""Diagnostics as JUnit XML, so CI systems show them as test results.

One test suite per scope (catalogue, market, channel × market, publish), one test case per rule
in it. Errors are failures; warnings are failures only with --strict, otherwise passing cases
whose output lists the affected items. Each written feed is a passing case; the publish gate is
a case that fails when it refused the build.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from lxml import etree

from feedgen.channels import Artifact
from feedgen.diagnostics import Diagnostic, Diagnostics
from feedgen.publish.gate import GateResult
from feedgen.files import write_bytes_atomic


def _scope(diagnostic: Diagnostic) -> str:
    if diagnostic.channel and diagnostic.market:
        return f"{diagnostic.channel}.{diagnostic.market}"
    if diagnostic.market:
        return f"market.{diagnostic.market}"
    return diagnostic.channel or "catalogue"


Suites = dict[str, list[etree._Element]]


def _artifact_cases(artifacts: list[Artifact], suites: Suites) -> None:
    """Each written feed is a passing case in its channel × market suite."""
    for artifact in sorted(artifacts, key=lambda a: a.path):
        case = etree.Element("testcase", classname=f"feedgen.{artifact.channel}.{artifact.market or 'all'}",
                             name=artifact.path)
        etree.SubElement(case, "system-out").text = f"{artifact.items} items"
        suites[f"{artifact.channel}.{artifact.market}" if artifact.market else artifact.channel].append(case)


def _rule_case(scope: str, rule: str, found: list[Diagnostic], strict: bool) -> etree._Element:
    """One rule in one scope: a failure on errors (or warnings with --strict), else the affected items as output."""
    case = etree.Element("testcase", classname=f"feedgen.{scope}", name=rule)
    errors = [d for d in found if d.severity == "error"]
    warnings = [d for d in found if d.severity == "warning"]
    details = "\n".join(d.one_line() for d in found)
    if errors or (strict and warnings):
        kind = "error" if errors else "warning"
        failure = etree.SubElement(case, "failure", type=kind,
                                   message=f"{len(errors)} error(s), {len(warnings)} warning(s): {found[0].message}")
        failure.text = details
    else:
        etree.SubElement(case, "system-out").text = details
    return case


def _diagnostic_cases(diagnostics: Diagnostics, strict: bool, suites: Suites) -> None:
    grouped: dict[tuple[str, str], list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        grouped[(_scope(diagnostic), diagnostic.rule_id)].append(diagnostic)
    for (scope, rule), found in sorted(grouped.items()):
        suites[scope].append(_rule_case(scope, rule, found, strict))


def _gate_case(gate: GateResult) -> etree._Element:
    case = etree.Element("testcase", classname="feedgen.publish.stage", name="publish gate")
    if gate.refused:
        etree.SubElement(case, "failure", type="gate", message="publish refused").text = "\n".join(gate.problems)
    elif gate.forced:
        etree.SubElement(case, "system-out").text = "forced past:\n" + "\n".join(gate.problems)
    return case


def _document(suites: Suites) -> etree._Element:
    """The <testsuites> root with per-suite and total counts."""
    root = etree.Element("testsuites", name="feedgen")
    total = failures = 0
    for name in sorted(suites):
        cases = suites[name]
        failed = sum(1 for case in cases if case.find("failure") is not None)
        suite = etree.SubElement(root, "testsuite", name=name, tests=str(len(cases)), failures=str(failed),
                                 errors="0", skipped="0")
        suite.extend(cases)
        total, failures = total + len(cases), failures + failed
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    return root


def junit_xml(diagnostics: Diagnostics, artifacts: list[Artifact], gate: GateResult | None, strict: bool) -> bytes:
    suites: Suites = defaultdict(list)
    _artifact_cases(artifacts, suites)
    _diagnostic_cases(diagnostics, strict, suites)
    if gate is not None:
        suites["publish"].append(_gate_case(gate))
    return etree.tostring(_document(suites), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_junit(path: Path, diagnostics: Diagnostics, artifacts: list[Artifact], gate: GateResult | None,
                strict: bool) -> None:
    write_bytes_atomic(path, junit_xml(diagnostics, artifacts, gate, strict))
