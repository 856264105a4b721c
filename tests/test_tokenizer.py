"""The tokenizer interface: rjieba and jieba with the same civic user dictionary agree token for token."""

import pickle
from pathlib import Path

import pytest

from civic.tokenizer import (
    DEFAULT_FREQ,
    JiebaTokenizer,
    RJiebaTokenizer,
    Tokenizer,
    UserDictError,
    make_tokenizer,
    pos_tagger,
    read_user_words,
    user_dictionary,
)

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
PAGES = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def engines() -> dict[str, Tokenizer]:
    return {"jieba": make_tokenizer("jieba"), "rjieba": make_tokenizer("rjieba")}


def test_sample_corpus_is_there():
    assert len(PAGES) == 5, f"expected the five sample pages in {RAW}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name[:3])
def test_rjieba_and_jieba_give_identical_tokens_on_sample_pages(engines, page):
    text = page.read_text(encoding="utf-8")
    reference, bulk = engines["jieba"].cut(text), engines["rjieba"].cut(text)
    first = next((i for i, (a, b) in enumerate(zip(reference, bulk, strict=False)) if a != b), None)
    assert reference == bulk, f"differ from token {first}: {reference[first:first + 5]} vs {bulk[first:first + 5]}"


@pytest.mark.parametrize("kind", ["jieba", "rjieba"])
@pytest.mark.parametrize(("text", "expected"), [
    # street names from the gazetteer stay whole instead of 建/中街/街道
    ("建中街街道针对创文工作的难点", ["建中街街道", "针对", "创文", "工作", "的", "难点"]),
    ("在惠济区迎宾路街道创卫一线", ["在", "惠济区", "迎宾路街道", "创卫", "一线"]),
    # historical township names recorded in place_aliases.tsv too (南牛乡, since renamed)
    ("南牛乡开展环境整治", ["南牛乡", "开展", "环境", "整治"]),
    # campaign vocabulary
    ("劝导乱停乱放和私搭乱建", ["劝导", "乱停乱放", "和", "私搭乱建"]),
    ("落实门前三包,清理小广告", ["落实", "门前三包", ",", "清理", "小广告"]),
    ("依托新时代文明实践所开展志愿服务", ["依托", "新时代文明实践所", "开展", "志愿服务"]),
    # a user word does not swallow a character of a neighbouring common word
    ("开创城市发展新局面", ["开创", "城市", "发展", "新", "局面"]),
])
def test_user_dictionary_keeps_words_whole(engines, kind, text, expected):
    assert engines[kind].cut(text) == expected


def test_engines_share_one_user_dictionary(engines):
    assert engines["jieba"].user_words == engines["rjieba"].user_words == user_dictionary()


def test_own_dictionary_does_not_touch_global_jieba(engines):
    import jieba

    assert "建中街街道" not in jieba.lcut("建中街街道")


def test_places_are_pluggable():
    words = dict(user_dictionary(places=["凤凰山街道", "东乡"]))
    assert words["凤凰山街道"] == DEFAULT_FREQ
    assert "东乡" not in words, "two-character place names would split ordinary words"
    tokenizer = make_tokenizer("rjieba", user_words=tuple(words.items()))
    assert tokenizer.cut("凤凰山街道召开会议")[0] == "凤凰山街道"


@pytest.mark.parametrize("engine", [JiebaTokenizer, RJiebaTokenizer])
def test_tokenizer_survives_pickling_for_worker_processes(engine):
    tokenizer = engine(user_words=(("凤凰山街道", DEFAULT_FREQ),))
    assert pickle.loads(pickle.dumps(tokenizer)).cut("凤凰山街道") == ["凤凰山街道"]


def test_unknown_engine_is_named():
    with pytest.raises(ValueError, match="unknown tokenizer 'pkuseg': expected one of rjieba, jieba"):
        make_tokenizer("pkuseg")


@pytest.mark.parametrize(("content", "expected"), [
    ("创文\n# comment\n\n创城 500\n", [("创文", DEFAULT_FREQ), ("创城", 500)]),
    ("门前三包 12 # inline comment\n", [("门前三包", 12)]),
])
def test_read_user_words(tmp_path, content, expected):
    path = tmp_path / "userdict.txt"
    path.write_text(content, encoding="utf-8")
    assert read_user_words(path) == expected


@pytest.mark.parametrize(("content", "line"), [
    ("创文\n创城 很多\n", 2),
    ("创文 0\n", 1),
    ("创 文 3\n", 1),
])
def test_read_user_words_names_file_and_line(tmp_path, content, line):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserDictError, match=rf"bad.txt:{line}: expected 'word \[frequency>0\]'"):
        read_user_words(path)


@pytest.mark.parametrize("text", [
    "", "\x00", "😀创文😀", "\u200b创文\u200b", "\r\n创城\r\n", "ｆｕｌｌ２００",
    "\ud800创文\udfff文明城市",  # lone surrogates (undecodable bytes kept by surrogateescape)
])
def test_engines_agree_on_odd_text(engines, text):
    assert engines["rjieba"].cut(text) == engines["jieba"].cut(text)


# --- the part-of-speech tagger ---------------------------------------------------------------

NOUNS = ("宣传册", "志愿者", "垃圾箱")
VERBS = ("劝导", "整治", "获评为")


@pytest.fixture(scope="module")
def reference_tagger():
    """jieba.posseg over a private jieba dictionary with the same words, added as pos_lexicon does."""
    import jieba
    import jieba.posseg

    tokenizer = jieba.Tokenizer()
    for word in sorted(NOUNS):
        tokenizer.add_word(word, freq=100_000, tag="n")
    tokenizer.check_initialized()
    for word in sorted(VERBS):
        if word not in tokenizer.FREQ:
            tokenizer.add_word(word, tag="v")
    return jieba.posseg.POSTokenizer(tokenizer)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A cache folder of this module's own (the tagger snapshot is made once for its tests)."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIVIC_CACHE", str(folder))
        yield folder


@pytest.mark.parametrize("text", [
    *(page.read_text(encoding="utf-8", errors="surrogateescape") for page in PAGES),
    "", " ", "\r\n", "种植苗木", "发放宣传册3000册，劝导整治机动车乱停放125辆",
    "ABC 12.5%的a1b2 c3，\r\n x y\tz B超T恤", "ｆｕｌｌ２００", "😀创文😀", "\ud800创文\udfff文明城市",
    # words no dictionary holds, a rare character alone, prefixes that are no word, runs of one character
    "鿕鿔乂乄乆", "龘", "中华人民共和国国务院", "哈哈哈哈哈哈", "一一一一一一一", "x1中y2华z3",
])
def test_tagger_gives_jieba_posseg_words_and_flags(cache, reference_tagger, text):
    expected = [(pair.word, pair.flag) for pair in reference_tagger.lcut(text, HMM=False)]
    assert pos_tagger(NOUNS, VERBS).cut(text) == expected


def test_tagger_snapshot_is_cached_and_follows_its_words(cache):
    assert pos_tagger(NOUNS, VERBS).cut("发放宣传册") == [("发放", "v"), ("宣传册", "n")]
    (snapshot,) = cache.glob("pos-lexicon-*.bin")
    assert pos_tagger(reversed(NOUNS), VERBS).cut("宣传册") == [("宣传册", "n")]  # same words, same file
    assert list(cache.glob("pos-lexicon-*.bin")) == [snapshot]
    assert pos_tagger(NOUNS[1:], VERBS).cut("发放宣传册") != [("发放", "v"), ("宣传册", "n")]  # 宣传册 dropped
    assert not snapshot.exists()


def test_tagger_reading_its_whole_dictionary_at_once_tags_as_shard_by_shard(cache):
    texts = [page.read_text(encoding="utf-8") for page in PAGES]
    by_shard = [pos_tagger(NOUNS, VERBS).cut(text) for text in texts]
    tagger = pos_tagger(NOUNS, VERBS)
    tagger.load_all()  # a parent process before it forks workers
    assert [tagger.cut(text) for text in texts] == by_shard
    assert not tagger._shards
