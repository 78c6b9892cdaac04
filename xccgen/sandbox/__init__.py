"""A local NEAR chain for tests: the `xccgen-sandbox` engine (nearcore's contract runtime) driven
over JSON lines.

    with Sandbox() as sb:
        sb.create_account("alice.test.near", "10 NEAR")
        sb.deploy("hello.test.near", "hello.wasm")
        out = sb.call("alice.test.near", "hello.test.near", "set_greeting", {"greeting": "hi"})
        assert out.status == "success"
        assert sb.view("hello.test.near", "get_greeting") == "hi"
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xccgen.errors import ToolchainMissing, XccgenError
from xccgen.units import parse_deposit, parse_gas

__all__ = ["Outcome", "ReceiptOutcome", "Sandbox", "SandboxError", "engine_binary"]

DEFAULT_GAS = "300 Tgas"


class SandboxError(XccgenError):
    """The engine refused a request (bad input, unknown account, a failed view call, ...)."""


def engine_binary() -> Path:
    from xccgen.toolchain.sandbox import engine_binary as _binary

    return _binary()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _encode_args(args: Any) -> bytes:
    if args is None:
        return b""
    if isinstance(args, bytes | bytearray):
        return bytes(args)
    if isinstance(args, str):
        return args.encode()
    return json.dumps(args, separators=(",", ":")).encode()


@dataclass
class ReceiptOutcome:
    """One executed receipt: who ran what, how it ended, and the receipts it created."""

    id: str
    kind: str  # "receipt" or "refund"
    receiver: str  # the executor
    predecessor: str
    signer: str
    actions: list[dict]
    status: str  # "success" or "failure"
    value: bytes | None
    return_receipt: str | None  # set when the receipt returned a promise
    error: dict | None
    message: str | None
    logs: list[str]
    gas_burnt: int
    tokens_burnt: int
    block_height: int
    children: list[ReceiptOutcome] = field(default_factory=list)

    @property
    def executor(self) -> str:
        return self.receiver

    @property
    def methods(self) -> list[str]:
        return [a["method"] for a in self.actions if a.get("type") == "FunctionCall"]

    @property
    def is_refund(self) -> bool:
        return self.kind == "refund"

    def walk(self):
        """This receipt and all its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self, refunds: bool = False) -> dict:
        return {
            "receiver": self.receiver,
            "predecessor": self.predecessor,
            "methods": self.methods,
            "actions": self.actions,
            "status": self.status,
            "error": self.message,
            "value": self.value.decode("utf-8", "replace") if self.value is not None else None,
            "logs": self.logs,
            "gas_burnt": self.gas_burnt,
            "tokens_burnt": str(self.tokens_burnt),
            "block_height": self.block_height,
            "children": [c.to_dict(refunds) for c in self.children if refunds or not c.is_refund],
        }


class Outcome:
    """The result of a transaction, with every receipt it caused."""

    def __init__(self, raw: dict):
        self.raw = raw
        self.status: str = raw["status"]  # "success", "failure" ("pending": awaits a yield)
        self.value: bytes | None = (
            base64.b64decode(raw["value_b64"]) if raw.get("value_b64") is not None else None
        )
        self.error: str | None = raw.get("message")
        self.error_kind: dict | None = raw.get("error") or None
        self.logs: list[str] = list(raw["logs"])
        self.gas_burnt: int = int(raw["gas_burnt"])
        self.tokens_burnt: int = int(raw["tokens_burnt"])
        outcomes = raw["outcomes"]
        self.transaction: dict = outcomes[0]
        nodes = {o["id"]: self._node(o) for o in outcomes[1:]}
        for o in outcomes[1:]:
            nodes[o["id"]].children = [nodes[c] for c in o["children"] if c in nodes]
        first = outcomes[0]["children"]
        self.receipts: list[ReceiptOutcome] = [nodes[c] for c in first if c in nodes]
        # Receipts that no executed receipt names as a child (e.g. a yield's timeout callback).
        self.all_receipts: list[ReceiptOutcome] = [nodes[o["id"]] for o in outcomes[1:]]

    @staticmethod
    def _node(o: dict) -> ReceiptOutcome:
        value = base64.b64decode(o["value_b64"]) if o.get("value_b64") is not None else None
        return ReceiptOutcome(
            id=o["id"],
            kind=o["kind"],
            receiver=o["receiver"],
            predecessor=o["predecessor"],
            signer=o["signer"],
            actions=o["actions"],
            status=o["status"],
            value=value,
            return_receipt=o.get("return_receipt"),
            error=o.get("error"),
            message=o.get("message"),
            logs=o["logs"],
            gas_burnt=int(o["gas_burnt"]),
            tokens_burnt=int(o["tokens_burnt"]),
            block_height=o["block_height"],
        )

    @property
    def succeeded(self) -> bool:
        return self.status == "success"

    @property
    def failed(self) -> bool:
        return self.status == "failure"

    @property
    def root(self) -> ReceiptOutcome | None:
        return self.receipts[0] if self.receipts else None

    def json(self) -> Any:
        """The final result parsed as JSON (None for an empty result); raises on failure."""
        if self.status != "success":
            raise SandboxError(f"transaction {self.status}: {self.error}")
        if not self.value:
            return None
        return json.loads(self.value)

    def text(self) -> str:
        if self.status != "success":
            raise SandboxError(f"transaction {self.status}: {self.error}")
        return (self.value or b"").decode()

    def receipt_failures(self) -> list[ReceiptOutcome]:
        return [r for r in self.all_receipts if r.status == "failure"]

    def tree(self, refunds: bool = False) -> dict:
        return {
            "status": self.status,
            "error": self.error,
            "value": self.value.decode("utf-8", "replace") if self.value is not None else None,
            "gas_burnt": self.gas_burnt,
            "tokens_burnt": str(self.tokens_burnt),
            "logs": self.logs,
            "receipts": [r.to_dict(refunds) for r in self.receipts if refunds or not r.is_refund],
        }

    def __repr__(self) -> str:
        return f"Outcome(status={self.status!r}, value={self.value!r}, error={self.error!r})"


class Sandbox:
    """A fresh local chain in an engine process; use as a context manager or call close()."""

    def __init__(self, binary: str | Path | None = None, cache_dir: str | Path | None = None):
        path = Path(binary) if binary else engine_binary()
        if not path.is_file():
            from xccgen.toolchain.sandbox import ENGINE_HINT

            raise ToolchainMissing(
                f"the sandbox engine is not built ({path} is missing): run "
                f"`xccgen toolchain install sandbox` or `{ENGINE_HINT}`"
            )
        if cache_dir is None:
            from xccgen.paths import cache_dir as _cache_dir

            cache_dir = _cache_dir() / "sandbox-vm-cache"
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            [str(path), "--cache-dir", str(cache_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            bufsize=0,
        )
        self._lock = threading.Lock()
        self._next_id = 0
        self.protocol_version: int = self.request("ping")["protocol_version"]

    # ------------------------------------------------------------------ plumbing

    def request(self, op: str, **fields: Any) -> dict:
        """Send one request and return its result; raises SandboxError if the engine refuses."""
        with self._lock:
            self._next_id += 1
            line = json.dumps({"id": self._next_id, "op": op, **fields}) + "\n"
            try:
                assert self._proc.stdin is not None and self._proc.stdout is not None
                self._proc.stdin.write(line.encode())
                reply = self._proc.stdout.readline()
            except (BrokenPipeError, OSError):
                reply = b""
            if not reply:
                raise SandboxError(f"the sandbox engine stopped: {self._stderr_tail()}")
        response = json.loads(reply)
        if not response.get("ok"):
            raise SandboxError(f"{op}: {response.get('error')}")
        return response["result"]

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        return "\n".join(text.splitlines()[-10:]) or f"exit code {self._proc.poll()}"

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._stderr.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ chain API

    def create_account(self, account_id: str, balance: int | str = "100 NEAR") -> str:
        """Create an account funded from genesis (no transaction, no fees)."""
        self.request("create_account", account_id=account_id, balance=str(parse_deposit(balance)))
        return account_id

    def deploy(self, account_id: str, wasm: bytes | str | Path) -> Outcome:
        """Deploy a contract with a DeployContract transaction signed by the account itself."""
        if isinstance(wasm, bytes | bytearray):
            out = Outcome(self.request("deploy", account_id=account_id, code_b64=_b64(wasm)))
        else:
            path = Path(wasm).resolve()
            if not path.is_file():
                raise SandboxError(f"no such wasm file: {path}")
            out = Outcome(self.request("deploy", account_id=account_id, path=str(path)))
        if out.status != "success":
            raise SandboxError(f"deploying to {account_id} failed: {out.error}")
        return out

    def call(
        self,
        signer: str,
        receiver: str,
        method: str,
        args: Any = None,
        gas: int | str = DEFAULT_GAS,
        deposit: int | str = 0,
    ) -> Outcome:
        """Sign a FunctionCall transaction as `signer` and run every receipt it causes."""
        raw = self.request(
            "call",
            signer=signer,
            receiver=receiver,
            method=method,
            args_b64=_b64(_encode_args(args)),
            gas=str(parse_gas(gas)),
            deposit=str(parse_deposit(deposit)),
        )
        return Outcome(raw)

    def call_concurrently(self, calls: list[dict]) -> list[Outcome]:
        """Several function calls included in the same block, then run together: e.g. a second
        call to a flow while the first one's callback is still pending. Each dict takes the
        keyword arguments of `call`."""
        transactions = []
        for c in calls:
            action = {
                "type": "FunctionCall",
                "method": c["method"],
                "args_b64": _b64(_encode_args(c.get("args"))),
                "gas": str(parse_gas(c.get("gas", DEFAULT_GAS))),
                "deposit": str(parse_deposit(c.get("deposit", 0))),
            }
            transactions.append(
                {"signer": c["signer"], "receiver": c["receiver"], "actions": [action]}
            )
        raw = self.request("submit_all", transactions=transactions)
        return [Outcome(r) for r in raw["results"]]

    def transfer(self, signer: str, receiver: str, amount: int | str) -> Outcome:
        actions = [{"type": "Transfer", "deposit": str(parse_deposit(amount))}]
        return Outcome(self.request("transact", signer=signer, receiver=receiver, actions=actions))

    def transact(self, signer: str, receiver: str, actions: list[dict]) -> Outcome:
        """A transaction with raw engine actions (see the protocol in crates/sandbox)."""
        return Outcome(self.request("transact", signer=signer, receiver=receiver, actions=actions))

    def view(self, account_id: str, method: str, args: Any = None) -> Any:
        """Call a view method; returns its result parsed as JSON (None when empty)."""
        raw = self.view_raw(account_id, method, args)
        return json.loads(raw) if raw else None

    def view_raw(self, account_id: str, method: str, args: Any = None) -> bytes:
        result = self.request(
            "view", account_id=account_id, method=method, args_b64=_b64(_encode_args(args))
        )
        if "error" in result:
            raise SandboxError(f"view {account_id}.{method} failed: {result['error']}")
        return base64.b64decode(result["value_b64"])

    def state(self, account_id: str) -> dict[bytes, bytes]:
        items = self.request("state", account_id=account_id)["items"]
        return {base64.b64decode(k): base64.b64decode(v) for k, v in items}

    def account(self, account_id: str) -> dict:
        raw = self.request("account", account_id=account_id)
        return {**raw, "amount": int(raw["amount"]), "locked": int(raw["locked"])}

    def balance(self, account_id: str) -> int:
        return self.account(account_id)["amount"]

    def total_supply(self) -> int:
        """Sum of every account's balance (amount + locked)."""
        return int(self.request("total_supply")["total"])

    def tokens_burnt_total(self) -> int:
        """Tokens removed from supply since genesis (burnt gas net of contract rewards)."""
        return int(self.request("total_supply")["burnt"])

    def minted(self) -> int:
        """Tokens handed out by create_account; equals total_supply() + tokens_burnt_total()."""
        return int(self.request("total_supply")["minted"])

    def block(self) -> dict:
        return self.request("block")

    def advance(self, blocks: int = 1) -> list[ReceiptOutcome]:
        """Produce empty blocks (open yields time out after 200); returns receipts that ran."""
        raw = self.request("advance", blocks=blocks)
        return [Outcome._node(o) for o in raw["outcomes"]]

    def reset(self) -> None:
        """Back to an empty genesis; compiled contracts stay cached."""
        self.request("reset")

    def snapshot(self) -> int:
        return self.request("snapshot")["snapshot"]

    def restore(self, snapshot: int) -> None:
        self.request("restore", snapshot=snapshot)
