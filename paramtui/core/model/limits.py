"""The range of every size in a model's shape (`Architecture`), in one place.

Each bound is far beyond any real model (today's largest have ~130 layers, width ~25k,
vocabularies ~260k, a few hundred experts) and far below where the formulas' arithmetic
overflows: with every size at its bound at once, every figure stays a finite float. A value
outside its range is refused where it comes in, with a line naming the key and the range
(the README lists them). Per-layer work is bounded by `LAYERS`.
"""

from __future__ import annotations

LAYERS = 100_000  # num_hidden_layers, num_decoder_layers, first_k_dense_replace, decoder_sparse_step
WIDTH = 1_000_000  # hidden_size, head_dim, embedding and latent-attention widths
FFN_WIDTH = 10_000_000  # intermediate_size and the experts' widths
HEADS = 100_000  # attention and key/value heads
EXPERTS = 100_000  # routed and shared experts, experts per token
VOCAB = 100_000_000  # vocab_size, type_vocab_size
POSITIONS = 1_000_000_000  # max_position_embeddings, sliding_window, position offsets
BUCKETS = 1_000_000  # T5's relative attention buckets
NORMS = 100  # norms per layer
