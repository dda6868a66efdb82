"""Scalar activation formulas, one module per family. float64 in, float64 out."""
