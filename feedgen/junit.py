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
from feedgen.gate import GateResult
from feedgen.files import write_bytes_atomic


def _scope(diagnostic: Diagnostic) -> str:
    if diagnostic.channel and diagnostic.market:
        return f"{diagnostic.channel}.{diagnostic.market}"
    if diagnostic.market:
        return f"market.{diagnostic.market}"
    return diagnostic.channel or "catalogue"


def junit_xml(diagnostics: Diagnostics, artifacts: list[Artifact], gate: GateResult | None, strict: bool) -> bytes:
    suites: dict[str, list[etree._Element]] = defaultdict(list)
    for artifact in sorted(artifacts, key=lambda a: a.path):
        case = etree.Element("testcase", classname=f"feedgen.{artifact.channel}.{artifact.market or 'all'}",
                             name=artifact.path)
        etree.SubElement(case, "system-out").text = f"{artifact.items} items"
        suites[f"{artifact.channel}.{artifact.market}" if artifact.market else artifact.channel].append(case)

    grouped: dict[tuple[str, str], list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        grouped[(_scope(diagnostic), diagnostic.rule_id)].append(diagnostic)
    for (scope, rule), found in sorted(grouped.items()):
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
        suites[scope].append(case)

    if gate is not None:
        case = etree.Element("testcase", classname="feedgen.publish", name="publish gate")
        if gate.refused:
            etree.SubElement(case, "failure", type="gate", message="publish refused").text = "\n".join(gate.problems)
        elif gate.forced:
            etree.SubElement(case, "system-out").text = "forced past:\n" + "\n".join(gate.problems)
        suites["publish"].append(case)

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
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_junit(path: Path, diagnostics: Diagnostics, artifacts: list[Artifact], gate: GateResult | None,
                strict: bool) -> None:
    write_bytes_atomic(path, junit_xml(diagnostics, artifacts, gate, strict))
