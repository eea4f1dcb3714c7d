from campaign.core.text import render_markdown


def test_markdown_renders_and_strips_scripts_and_handlers():
    html = render_markdown("**bold** <script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))")
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_markdown_links_get_safe_rel():
    html = render_markdown("[source](https://example.org/report)")
    assert 'href="https://example.org/report"' in html
    assert "noopener" in html
