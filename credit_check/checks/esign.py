"""esign — electronic seals and signatures that no longer match the document (D1).

An OFD e-seal (GB/T 38540) or digital signature lists every file it protects with its digest and
signs that list. The reader (`credit_check/facts/ofd.py`, `ses.py`) recomputes every digest and
verifies the signature value with the signer's certificate, offline. A digest that no longer
matches means the document was edited after it was sealed: the seal no longer vouches for what
is shown, and presenting it as sealed is 弄虚作假.

| check | rule | severity | what it means | how to fix |
|---|---|---|---|---|
| `esign-modified` | D1 | error | a file protected by the seal or signature (a page, the document root, the signature itself) changed after signing, or was removed | submit the document exactly as it was sealed (ask the issuer for the original OFD); never edit or re-save a sealed file |
| `esign-invalid` | D1 | warning | the signature value does not verify with the signer's certificate | a person checks the file in the issuer's or the vendor's verifier; replace it with the original if it fails there too |
| `esign-unverified` | D1 | warning | the seal or signature could not be checked (signature value missing or unreadable, no certificate, an unsupported algorithm) | a person checks the file in the issuer's or the vendor's verifier |
| `esign-appended` | D1 | warning | PDF: after the last signature the file was updated and a page now looks different from what was signed | submit the file as it was signed; if the change was an allowed form fill, say so with a waiver |
| `esign-appended-other` | D1 | info | PDF: after the last signature the file was updated without changing what the pages show (objects, properties) | nothing to do unless the reviewer asks; validation data (DSS, timestamps) is never reported |

Not judged: whether the signer's certificate is trusted. That needs the issuing CA's root
certificates, which a county does not hold offline; every signature says `trust: not-established`
and no finding follows from it. A seal picture pasted into a page or an annotation (not signed)
is a seal for D6 (`doc-elements`) and nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from credit_check.facttypes import DocumentFacts, Signature
from credit_check.model import EvidenceFile, Finding, Severity, finding

if TYPE_CHECKING:
    from credit_check.checks import CheckContext

ID = "esign"
RULE = "D1"
_CHECKER = "用发文单位或签章厂商的验证软件核验该文件；如验证不通过，请提交签章后的原件"
_CHECKER_EN = "check the file in the issuer's or the vendor's verifier; submit the original if it fails there too"


def _name(sig: Signature) -> str:
    kind = "电子签章" if sig.kind != "ofd-sign" else "数字签名"
    return f"{kind}“{sig.seal_name}”" if sig.seal_name else kind


def check(files: Sequence[EvidenceFile], ctx: CheckContext) -> Iterator[Finding]:
    for f in files:
        facts = f.facts
        if not isinstance(facts, DocumentFacts) or f.error:
            continue
        for sig in facts.signatures:
            name, detail = _name(sig), sig.problem or ""
            evidence: dict[str, str | int | float | bool] = {"kind": sig.kind}
            if sig.seal_name:
                evidence["seal_name"] = sig.seal_name
            if sig.digest_ok is False:
                yield finding(RULE, "esign-modified", Severity.ERROR, f, (
                    f"电子签章后文件被修改：{name}保护的内容已改变（{detail}）",
                    "提交签章后未经改动的原件（向发文单位索取原 OFD 文件），签章后的文件不得再编辑或另存"), (
                    f"the document was changed after it was sealed/signed: {detail}",
                    "submit the document exactly as it was sealed; never edit or re-save a sealed file"),
                    page=sig.page, evidence=evidence)
            elif sig.signature_ok is False:
                yield finding(RULE, "esign-invalid", Severity.WARNING, f, (
                    f"{name}的签名值验证未通过（{detail}），请人工核验", _CHECKER), (
                    f"the signature value of the seal/signature does not verify ({detail}); please check", _CHECKER_EN),
                    page=sig.page, evidence=evidence)
            elif sig.appended == "content":
                yield finding(RULE, "esign-appended", Severity.WARNING, f, (
                    f"{name}签署后文件又被修改，页面内容与签署时不同（{detail}），请人工核验",
                    "提交签署时的原件；如系允许的表单填写，请人工核实后写入豁免"), (
                    f"after the last signature the file was updated and a page changed ({detail}); please check",
                    "submit the file as it was signed"), page=sig.page, evidence={**evidence, "appended": "content"})
            elif sig.problem and (sig.digest_ok is None or sig.signature_ok is None):
                yield finding(RULE, "esign-unverified", Severity.WARNING, f, (
                    f"无法验证{name}：{detail}，请人工核验", _CHECKER), (
                    f"the seal/signature could not be verified: {detail}; please check", _CHECKER_EN),
                    page=sig.page, evidence=evidence)
            elif sig.appended in ("other", "metadata", "unknown"):
                yield finding(RULE, "esign-appended-other", Severity.INFO, f, (
                    f"{name}签署后文件又被追加更新（{detail}），页面显示内容未见改变", "一般无需处理"), (
                    f"the file was updated after the last signature without changing the pages ({detail})",
                    "nothing to do unless the reviewer asks"), page=sig.page,
                    evidence={**evidence, "appended": sig.appended})
