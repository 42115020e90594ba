"""The network as a compressed list of layers: each layer a token mixer and a channel mixer.

`network.network_of(arch)` turns an `Architecture` into a `Network`: groups of identical
layers with their counts (never one entry per layer, since layer counts can be huge).
Parameter counts, and the memory and compute formulas built on them, are sums over it.
"""
