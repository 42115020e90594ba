"""A scenario's name follows its model until the user renames it (issue 13 item 7)."""

from paramtui.core.inputs.naming import followed_name, id_stem


def test_the_model_and_precision_in_a_name_follow_the_change():
    assert followed_name("Llama 3.1 8B, bf16 on H100", "Llama 3.1 8B", "Llama 3.1 70B", "bf16", "bf16") == \
        "Llama 3.1 70B, bf16 on H100"
    assert followed_name("Llama 3.1 8B, Q4_K_M on RTX 4090", "Llama 3.1 8B", "Llama 3.1 8B", "q4_k_m", "int4") == \
        "Llama 3.1 8B, INT4 on RTX 4090"


def test_a_name_of_the_users_own_is_kept():
    assert followed_name("my run", "Llama 3.1 8B", "Qwen3 0.6B", "bf16", "bf16") is None
    assert followed_name("", "Llama 3.1 8B", "Qwen3 0.6B", "bf16", "bf16") is None


def test_an_id_is_made_from_the_name():
    assert id_stem("Llama 3.1 70B, bf16 on H100") == "llama-3-1-70b-bf16-on-h100"
