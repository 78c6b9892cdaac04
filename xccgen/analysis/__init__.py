"""What xccgen works out about resolved flows before writing any code: the gas budget of each
flow (gas.py), the safety checks (checks.py) and the flow diagrams (graph.py)."""
