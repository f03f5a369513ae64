"""The words of a comparison (``mmcohort compare``, ``changes_since_previous.md``), in English or Chinese."""
from __future__ import annotations

from pipeline.errors import UserError
from pipeline.runs.diff import level_text, num
from pipeline.text.escape import md_escape

_TEXT = {
    "en": {
        "title": "Changes: {study}, cut-off {a} -> {b}",
        "run": "run", "cutoff": "cut-off", "patients": "patients", "source": "response source",
        "inputs": "input files (SHA-256)", "notes": "Notes", "config": "Config changes",
        "flags": "Flags", "no_flags": "No p-value crossed 0.05 and no median changed between NR and a value.",
        "pat_section": "Patients", "added": "added", "removed": "removed", "none": "none",
        "events": "Events", "progressions": "Progressions", "deaths": "Deaths",
        "new": "new", "date_changed": "date changed", "late": "dated on or before the earlier cut-off "
        "(a late entry, a correction, or confirmed only by a later assessment)", "new_patient": "new patient",
        "bor": "Best response changed", "fu": "Follow-up",
        "fu_median": "median follow-up, months (reverse KM, {level}% CI)", "fu_range": "observation range, months",
        "fu_pm": "OS person-months", "fu_gain": "per-patient follow-up gained, months (median / max, n)",
        "head": "Headline numbers", "orr": "ORR by population", "population": "population",
        "medians": "Median survival, months ({level}% CI)", "endpoint": "endpoint", "group": "group",
        "events_col": "events", "comparisons": "Comparisons", "grouping": "grouping", "test": "test",
        "flag": "flag", "hr": "HR ({level}% CI)", "records": "Records that differ up to {d}",
        "records_none": "No record dated on or before {d} differs: the data up to that date are the same.",
        "records_na": "Not compared: {note}.", "record": "record", "column": "column", "old": "old",
        "new_val": "new", "changed": "changed", "key": "key", "cols_added": "columns added",
        "cols_removed": "columns removed", "unchanged": "unchanged",
        "more": "... and {n} more (all of them are in the JSON: changes_since_previous.json or compare --json)",
    },
    "zh": {
        "title": "变化：{study}，截止日期 {a} -> {b}",
        "run": "运行", "cutoff": "截止日期", "patients": "患者数", "source": "疗效来源",
        "inputs": "输入文件 (SHA-256)", "notes": "说明", "config": "配置变化",
        "flags": "提示", "no_flags": "没有 p 值跨越 0.05，也没有中位数在未达到 (NR) 与数值之间变化。",
        "pat_section": "患者", "added": "新增", "removed": "移除", "none": "无",
        "events": "事件", "progressions": "进展", "deaths": "死亡",
        "new": "新增", "date_changed": "日期变化", "late": "日期不晚于较早的截止日期（补录、更正，或由其后的评估才确认）",
        "new_patient": "新患者",
        "bor": "最佳疗效变化", "fu": "随访",
        "fu_median": "中位随访，月（反向 KM，{level}% CI）", "fu_range": "观察范围，月",
        "fu_pm": "OS 人月", "fu_gain": "每例患者增加的随访，月（中位 / 最大，n）",
        "head": "主要结果", "orr": "各人群 ORR", "population": "人群",
        "medians": "中位生存，月 ({level}% CI)", "endpoint": "终点", "group": "组",
        "events_col": "事件", "comparisons": "比较", "grouping": "分组", "test": "检验",
        "flag": "提示", "hr": "HR ({level}% CI)", "records": "截至 {d} 不同的记录",
        "records_none": "截至 {d} 没有记录不同：该日期之前的数据相同。",
        "records_na": "未比较：{note}。", "record": "记录", "column": "列", "old": "原值",
        "new_val": "新值", "changed": "修改", "key": "键", "cols_added": "新增列",
        "cols_removed": "移除列", "unchanged": "未变",
        "more": "……另有 {n} 条（完整列表见 JSON：changes_since_previous.json 或 compare --json）",
    },
}


def months_text(v: object, nr: str = "NR") -> str:
    f = num(v)
    return nr if f is None else f"{f:.1f}"


def _p(v: object) -> str:
    f = num(v)
    if f is None:
        return "-"
    return "<0.001" if f < 0.001 else f"{f:.3f}"


def _esc(v: object) -> str:
    return md_escape(v, cell=True)


def median_cell(r: dict | None) -> str:
    if r is None:
        return "-"
    return f"{months_text(r['median'])} ({months_text(r['median_ci_low'], 'NE')}-{months_text(r['median_ci_high'])})"


def _orr_cell(r: dict | None) -> str:
    if r is None:
        return "-"
    if not r.get("N"):
        return f"{r.get('n', 0)}/{r.get('N', 0)}"
    return f"{r['n']}/{r['N']} ({months_text(r['pct'])}%; {months_text(r['ci_low'])}-{months_text(r['ci_high'])})"


def _hr_cell(r: dict | None) -> str:
    if r is None:
        return "-"
    hr = num(r.get("hr"))
    if hr is None:
        return "NE"
    lo, hi = num(r.get("hr_ci_low")), num(r.get("hr_ci_high"))
    ci = "" if lo is None or hi is None else f" ({lo:.2f}-{hi:.2f})"
    return f"{hr:.2f}{ci}"


def _table(head: list[str], rows: list[list[object]], limit: int | None = None, more: str = "") -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    shown = rows if not limit else rows[:limit]
    out += ["| " + " | ".join(_esc(c) for c in r) + " |" for r in shown]
    if len(shown) < len(rows):
        out += ["", more.format(n=len(rows) - len(shown))]
    return out + [""]


def _flag_text(f: dict) -> str:
    if f["kind"] in ("median_reached", "median_no_longer_reached"):
        return f"{f['what']}: {months_text(f['a'])} -> {months_text(f['b'])}"
    side = "now < 0.05" if f.get("now_significant") else "now >= 0.05"
    return f"{f['what']}: {_p(f['a'])} -> {_p(f['b'])} ({side})"


def format_comparison(d: dict, lang: str = "en", limit: int | None = 200) -> str:
    """The comparison as Markdown (``lang`` en or zh).

    Lists longer than ``limit`` (patients, events, records) are cut there with a line saying how many
    more the JSON holds; ``None`` or 0 lists everything.
    """
    if lang not in _TEXT:
        raise UserError(f"language must be one of {sorted(_TEXT)}, got {lang!r}")
    a, b = d["a"], d["b"]
    level = level_text([a.get("conf_level"), b.get("conf_level")])
    t = {k: v.replace("{level}", level) for k, v in _TEXT[lang].items()}
    more = t["more"]
    out = [f"# {t['title'].format(study=d['study'], a=a['cutoff'], b=b['cutoff'])}", ""]

    def inputs(s: dict) -> str:
        return "; ".join(f"{i['table']} {str(i['sha256'])[:12]}" for i in s["inputs"])

    out += _table(["", "A", "B"], [
        [t["run"], a["folder"], b["folder"]], [t["cutoff"], a["cutoff"], b["cutoff"]],
        [t["patients"], a["n_patients"], b["n_patients"]], [t["source"], a["response_source"], b["response_source"]],
        [t["inputs"], inputs(a), inputs(b)]])
    if d["notes"]:
        out += [f"**{t['notes']}**", ""] + [f"- {n}" for n in d["notes"]] + [""]
    if d["config_changes"]:
        out += [f"**{t['config']}**", ""] + [f"- `{c['key']}`: {_esc(c['a'])} -> {_esc(c['b'])}"
                                             for c in d["config_changes"]] + [""]

    out += [f"## {t['flags']}", ""]
    out += [f"- {_esc(_flag_text(f))}" for f in d["flags"]] if d["flags"] else [t["no_flags"]]
    out.append("")

    pats = d["patients"]
    out += [f"## {t['pat_section']}", ""]
    for k in ("added", "removed"):
        shown = pats[k] if not limit else pats[k][:limit]
        ids = ", ".join(_esc(p["patient_id"]) for p in shown) or t["none"]
        if len(shown) < len(pats[k]):
            ids += ", " + more.format(n=len(pats[k]) - len(shown))
        out.append(f"- {t[k]} ({len(pats[k])}): {ids}")
    out.append("")

    out += [f"## {t['events']}", ""]
    for k in ("progressions", "deaths"):
        ev = d[k]
        rows = [[t["new"], e["patient_id"], e["date"],
                 "; ".join(x for x, on in ((t["new_patient"], e["new_patient"]),
                                            (t["late"], e["on_or_before_a_cutoff"])) if on)] for e in ev["new"]]
        rows += [[t["removed"], e["patient_id"], e["date"], ""] for e in ev["removed"]]
        rows += [[t["date_changed"], e["patient_id"], f"{e['a']} -> {e['b']}", ""] for e in ev["date_changed"]]
        out += [f"**{t[k]}** ({t['new']} {len(ev['new'])})", ""]
        out += _table(["", "patient_id", "date", ""], rows, limit, more) if rows else [t["none"], ""]
    out += [f"**{t['bor']}** ({len(d['best_response_changed'])})", ""]
    out += (_table(["patient_id", "A", "B"], [[r["patient_id"], r["a"], r["b"]] for r in d["best_response_changed"]],
                   limit, more)
            if d["best_response_changed"] else [t["none"], ""])

    fu = d["follow_up"]

    def fu_med(x: dict | None) -> str:
        return "-" if not x else f"{months_text(x.get('median'))} ({months_text(x.get('ci_low'), 'NE')}-{months_text(x.get('ci_high'))})"

    def fu_rng(x: dict | None) -> str:
        return "-" if not x else f"{months_text(x.get('min'), '-')}-{months_text(x.get('max'), '-')}"

    g = fu["per_patient_gain_months"]
    out += [f"## {t['fu']}", ""]
    out += _table(["", "A", "B"], [
        [t["fu_median"], fu_med(fu["a"]), fu_med(fu["b"])], [t["fu_range"], fu_rng(fu["a"]), fu_rng(fu["b"])],
        [t["fu_pm"], months_text(fu["os_person_months"]["a"], "-"), months_text(fu["os_person_months"]["b"], "-")]])
    out += [f"{t['fu_gain']}: {months_text(g['median'], '-')} / {months_text(g['max'], '-')}, n = {g['n']}", ""]

    h = d["headline"]
    out += [f"## {t['head']}", "", f"{t['patients']}: {h['n_patients']['a']} -> {h['n_patients']['b']}", ""]
    out += [f"**{t['orr']}**", ""]
    out += _table([t["population"], "A", "B", ""], [[r["population"], _orr_cell(r["a"]), _orr_cell(r["b"]),
                                                     "" if r["changed"] else t["unchanged"]] for r in h["orr"]])
    out += [f"**{t['medians']}**", ""]
    out += _table([t["endpoint"], t["group"], f"A ({t['events_col']}/n)", f"B ({t['events_col']}/n)",
                   "A", "B", t["flag"]], [
        [r["endpoint"], "all" if r["group_by"] is None else f"{r['group_by']} = {r['group']}",
         "-" if r["a"] is None else f"{r['a']['events']}/{r['a']['n']}",
         "-" if r["b"] is None else f"{r['b']['events']}/{r['b']['n']}",
         median_cell(r["a"]), median_cell(r["b"]), ", ".join(r["flags"])] for r in h["medians"]])
    out += [f"**{t['comparisons']}**", ""]
    out += _table([t["endpoint"], t["grouping"], t["test"], "p A", "p B", f"{t['hr']} A", f"{t['hr']} B",
                   t["flag"]], [
        [r["endpoint"], r["group_by"] if r["landmark_days"] is None else f"{r['group_by']} (landmark "
         f"{r['landmark_days']} d)", r["test"], _p((r["a"] or {}).get("p")), _p((r["b"] or {}).get("p")),
         _hr_cell(r["a"]), _hr_cell(r["b"]), ", ".join(r["flags"])] for r in h["comparisons"]])

    rec = d["records"]
    out += [f"## {t['records'].format(d=rec['as_of'])}", ""]
    if not rec["available"]:
        out += [t["records_na"].format(note=rec.get("note", "")), ""]
    elif rec["n_differences"] == 0 and not any(x.get("columns_added") or x.get("columns_removed")
                                               for x in rec["tables"].values()):
        out += [t["records_none"].format(d=rec["as_of"]), ""]
    else:
        for name, x in rec["tables"].items():
            if "note" in x:
                out += [f"**{name}**: {x['note']}", ""]
                continue
            n = len(x["added"]) + len(x["removed"]) + len(x["changed"])
            if n == 0 and not x["columns_added"] and not x["columns_removed"]:
                continue
            out += [f"**{name}** ({t['key']}: {', '.join(x['key'])})", ""]
            for k in ("columns_added", "columns_removed"):
                if x[k]:
                    out += [f"- {t['cols_' + k.split('_')[1]]}: {', '.join(_esc(c) for c in x[k])}", ""]
            rows = []
            for c in x["changed"]:
                key = ", ".join(c["key"][k] for k in x["key"])
                rows += [[t["changed"], key, ch["column"], ch["old"], ch["new"]] for ch in c["changes"]]
            for k in ("added", "removed"):
                for r in x[k]:
                    key = ", ".join(r.get(c, "") for c in x["key"])
                    rest = "; ".join(f"{c}={v}" for c, v in r.items() if c not in x["key"])
                    rows.append([t[k], key, "", "" if k == "added" else rest, rest if k == "added" else ""])
            out += _table(["", t["record"], t["column"], t["old"], t["new_val"]], rows, limit, more)
    return "\n".join(out).rstrip("\n") + "\n"


# ------------------------------------------------------------------------------------------------ runs


