"""civic.app.literal: corpus text placed in Markdown shows character for character."""

import pytest

from civic.app import literal


@pytest.mark.parametrize(("text", "escaped"), [
    ("[点此](http://x.cn)", r"\[点此\]\(http\://x\.cn\)"),
    ("**加粗** _斜体_ `代码`", r"\*\*加粗\*\* \_斜体\_ \`代码\`"),
    ("<script>alert(1)</script>", r"\<script\>alert\(1\)\</script\>"),
    ("# 标题 | 表格 $公式$ ~删除~", r"\# 标题 \| 表格 \$公式\$ \~删除\~"),
    ("建中街街道", "建中街街道"),
    (2019, "2019"),
])
def test_literal(text, escaped):
    assert literal(text) == escaped
