"""xccgen: NEAR cross-contract-call contracts from one spec, in Rust and TypeScript."""

__version__ = "0.1.0"
