"""`paramtui guide`: chapters, the topic list, the tables, and mistakes in one line."""

from paramtui.cli import main


def test_guide_alone_lists_the_topics(capsys):
    assert main(["guide"]) == 0
    out = capsys.readouterr().out
    for topic in ("parameters", "tokens", "training-memory", "picking", "tables"):
        assert topic in out


def test_parameters_for_llama_8b_shows_the_count_and_where_it_lives(capsys):
    assert main(["guide", "parameters", "--model", "llama-3.1-8b"]) == 0
    out = capsys.readouterr().out
    assert "8.03B" in out and "MLP / experts" in out and "Sources:" in out


def test_a_chapter_follows_a_session_file(tmp_path, capsys):
    session = tmp_path / "s.toml"
    session.write_text('[[scenario]]\nid = "a"\nmodel = "llama-3.1-70b"\nprecision = "int4"\n')
    assert main(["guide", "precision", str(session)]) == 0
    assert "In this scenario's int4" in capsys.readouterr().out


def test_tables_show_all_three_with_the_685b_row(capsys):
    assert main(["guide", "tables"]) == 0
    out = capsys.readouterr().out
    assert "Resources by model size" in out and "Deployment by model size" in out
    assert "Parameters → predicted loss" in out and "685B" in out


def test_unknown_topic_is_one_line_and_exit_2(capsys):
    assert main(["guide", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown guide topic 'nope'" in err


def test_a_catalog_model_is_written_on_at_its_published_precision(capsys):
    """As `estimate gpt-oss-120b` is: MXFP4 experts (60.8 GiB), which lose nothing, not bf16's 218 GiB."""
    assert main(["guide", "precision", "--model", "gpt-oss-120b"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "In this scenario's mxfp4-moe they take 60.8 GiB" in text
    assert "mxfp4-moe is the precision its weights are published in, so nothing is lost" in text
