#!/usr/bin/env python3
"""Writes a scale corpus of N documents (20 cases each) for benches/scale.py.

  twins N OUT       N copies of the seed: every case has N-1 identical twins,
                    which exaggerates every question about pairs of cases.
  recombined N OUT  N documents of 20 numbered items; each item is a Shanghai
                    district and sentences drawn (seeded, reproducible) from
                    the whole seed, so cases differ and mechanisms combine as
                    they would across a real, varied corpus.
"""
import random
import re
import sys
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "seeds" / "shanghai-2023-district-cases.txt"
DISTRICTS = [
    "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区",
    "宝山区", "嘉定区", "浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区",
]
CASES_PER_DOCUMENT = 20


def sentences(text):
    """Body sentences of the seed: long lines cut at the full stop."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if len(line) < 40:
            continue
        out += [s.strip() + "。" for s in re.split("。", line) if len(s.strip()) >= 15]
    return out


def recombined(n, out):
    pool = sentences(SEED.read_text(encoding="utf-8"))
    rng = random.Random(20231101)
    for doc in range(1, n + 1):
        lines = [f"上海市优化营商环境案例汇编（第{doc}辑）", "上海市发展和改革委员会", "2023年11月", ""]
        for item in range(1, CASES_PER_DOCUMENT + 1):
            district = rng.choice(DISTRICTS)
            body = "".join(rng.sample(pool, rng.randint(4, 9)))
            lines.append(f"{item}.上海市{district}{body}")
        (out / f"recombined-{doc:05}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def twins(n, out):
    text = SEED.read_bytes()
    for doc in range(1, n + 1):
        (out / f"copy-{doc:05}.txt").write_bytes(text)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("twins", "recombined"):
        sys.exit(__doc__)
    kind, n, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    (twins if kind == "twins" else recombined)(n, out)


if __name__ == "__main__":
    main()
