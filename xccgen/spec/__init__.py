"""Spec front doors (YAML and the Python DSL), the spec model, and its resolution into the IR.
`xccgen.pipeline.load_contract` runs them, then the checks."""
