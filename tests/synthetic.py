"""A synthetic county of any size, for tests and benchmarks: seeded, varied, with known copies.

Each agency is one of the fixture county's valid towns (fixtures/mouding-2022), renamed, with
its own figures (licensing, penalties: they feed no check) and its own narrative: part1 and part5
are written afresh from a vocabulary of the report's usual phrases, the agency's name and
figures, so that two agencies' paragraphs are far from alike. A few paragraphs are deliberate
near copies of an earlier agency's (its name swapped in, a figure changed), and are listed, so a
test knows which pairs must be found.
"""

from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import FIXTURES

COUNTY = FIXTURES / "mouding-2022"
# the invented towns: their own narrative is part1 and part5 only, which is written afresh
TOWNS = ["anle", "fengtun", "gonghe", "panmao", "xinqiao"]

# characters of place names: every agency has its own name and villages, as real ones do
_PLACES = (
    "东南西北中上下新老大小高龙凤马石金水山河湖桥田林花云岩沙塘坝坪溪安平和兴福宁泰康永长"
    "清明光华盛文武德仁义礼信忠孝春秋松柏竹梅兰菊荷桃李杏柳杨槐枫樟茶果米麦豆禾仓庄堡寨"
    "营屯甸冲坡岭峰谷洞泉井池潭湾滩洲岛港渡口关门街巷园圃场坊店铺集市乐丰顺利吉祥瑞宝玉"
)


def _place(rng: random.Random) -> str:
    return "".join(rng.choice(_PLACES) for _ in range(2))


_TOPICS = [
    "财政预决算",
    "涉农补贴",
    "低保救助",
    "项目建设",
    "安全生产",
    "乡村振兴",
    "就业创业",
    "医疗保障",
    "义务教育",
    "生态环境",
    "征地拆迁",
    "防汛抗旱",
    "养老服务",
    "住房保障",
    "交通建设",
    "市场监管",
]
_CHANNELS = [
    "政府门户网站",
    "政务新媒体",
    "村务公开栏",
    "便民服务中心",
    "广播电视",
    "微信工作群",
    "新闻发布会",
    "政策解读专栏",
]
_VERBS = ["发布", "公示", "更新", "解读", "推送", "张贴", "汇编", "印发"]
_ACTIONS = [
    "建立健全工作台账",
    "明确专人负责",
    "落实保密审查",
    "开展业务培训",
    "组织专项检查",
    "完善考核办法",
    "规范办理流程",
    "加强督促指导",
    "开展群众满意度调查",
    "强化问题整改",
]
_ENDS = [
    "群众知晓率明显提升",
    "工作规范化水平不断提高",
    "公开质量稳步提升",
    "社会反响良好",
    "有效回应群众关切",
    "公开时效进一步加快",
]


def _sentence(rng: random.Random, short: str, number: int, villages: list[str]) -> str:
    topic, channel, verb = rng.choice(_TOPICS), rng.choice(_CHANNELS), rng.choice(_VERBS)
    action, end = rng.choice(_ACTIONS), rng.choice(_ENDS)
    place = rng.choice(villages)
    count, month = rng.randint(2, 400), rng.randint(1, 12)
    return rng.choice(
        [
            f"{short}围绕{topic}，{month}月起通过{channel}{verb}信息{count}条，{place}村{end}",
            f"{place}村{action}，{topic}相关信息做到应公开尽公开，第{number}季度{end}",
            f"{short}在{place}片区{action}，{month}月利用{channel}{verb}{topic}政策{count}项",
            f"针对{place}村群众关注的{topic}问题，{short}{action}，{end}",
            f"全年{verb}{topic}类文件{count}件，{channel}同步{verb}{month}次，{end}",
        ]
    )


def _paragraph(
    rng: random.Random, short: str, number: int, sentences: int, villages: list[str]
) -> str:
    return "；".join(_sentence(rng, short, number, villages) for _ in range(sentences)) + "。"


def near_copy(text: str, rng: random.Random, short: str, other_short: str) -> str:
    """Return `text` as another agency copies it: its name put in, one figure changed."""
    copied = text.replace(other_short, short)
    figures = list(re.finditer(r"\d+", copied))
    if figures:
        hit = rng.choice(figures)
        copied = copied[: hit.start()] + str(int(hit.group()) + 7) + copied[hit.end() :]
    return copied


@dataclass
class County:
    folder: Path
    files: list[Path]
    # deliberate copies: (copying file, its paragraph path, file copied, that paragraph's path)
    copies: list[tuple[str, str, str, str]] = field(default_factory=list)


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_county(folder: Path, n: int, seed: int = 2022, copy_every: int = 40) -> County:
    """Write a county folder of `n` agencies into `folder` (made if missing) and return it;
    about one agency in `copy_every` copies a paragraph of an earlier one, the second agency
    always (none with `copy_every` 0)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(COUNTY / "county.toml", folder / "county.toml")
    bases = {t: (COUNTY / f"{t}.toml").read_text(encoding="utf-8") for t in TOWNS}
    county = County(folder, [])
    written: list[tuple[str, str, list[str]]] = []  # file name, short name, part1 paragraphs
    for i in range(n):
        short = f"{_place(rng)}{rng.choice('镇乡')}"
        name = f"{short}人民政府（示例{i:05d}）"
        villages = [_place(rng) for _ in range(6)]
        part1 = [
            _paragraph(rng, short, rng.randint(1, 4), rng.randint(2, 4), villages) for _ in range(6)
        ]
        part5 = [
            _paragraph(rng, short, rng.randint(1, 4), rng.randint(2, 3), villages) for _ in range(2)
        ]
        file_name = f"town{i:05d}.toml"
        if written and copy_every > 0 and (i % copy_every == copy_every // 2 or i == 1):
            source_name, source_short, source_part1 = rng.choice(written)
            k = rng.randrange(len(source_part1))
            target = rng.randrange(len(part1))
            part1[target] = near_copy(source_part1[k], rng, short, source_short)
            county.copies.append(
                (file_name, f"part1.text[{target}]", source_name, f"part1.text[{k}]")
            )
        text = bases[TOWNS[i % len(TOWNS)]]
        text = re.sub(r'^name = ".*"$', f'name = "{name}"', text, count=1, flags=re.M)
        text = re.sub(r'^short_name = ".*"$', f'short_name = "{short}"', text, count=1, flags=re.M)
        text = re.sub(r"^licensing = \d+", f"licensing = {rng.randint(0, 900)}", text, flags=re.M)
        text = re.sub(r"^penalties = \d+", f"penalties = {rng.randint(0, 90)}", text, flags=re.M)
        text = _replace_text(text, "part1", part1)
        text = _replace_text(text, "part5", part5)
        path = folder / file_name
        path.write_text(text, encoding="utf-8")
        county.files.append(path)
        written.append((file_name, short, part1))
    return county


def _replace_text(toml: str, part: str, paragraphs: list[str]) -> str:
    """Return the data file with the `text` array of `[part]` replaced by `paragraphs`."""
    start = toml.index(f"[{part}]\ntext = [")
    end = toml.index("\n]\n", start) + 3
    body = "".join(f"  {_toml_string(p)},\n" for p in paragraphs)
    return toml[:start] + f"[{part}]\ntext = [\n{body}]\n" + toml[end:]
