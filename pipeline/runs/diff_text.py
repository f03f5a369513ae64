"""A comparison of two runs as Markdown (``mmcohort compare``, ``changes_since_previous.md``), in English or Chinese.

The words are the ``compare.*`` entries of ``pipeline/text/``; the numbers are formatted by ``pipeline.text.fmt``.
"""
from __future__ import annotations

from pipeline.errors import UserError
from pipeline.runs.diff import level_text
from pipeline.text import fmt
from pipeline.text.escape import md_escape
from pipeline.text.i18n import LANGUAGES, words


def _words(lang: str, level: str) -> dict[str, str]:
    """The ``compare.*`` words of ``lang`` by their short name, with the confidence level filled in."""
    if lang not in LANGUAGES:
        raise UserError(f"language must be one of {sorted(LANGUAGES)}, got {lang!r}")
    pre = "compare."
    return {k[len(pre):]: v.replace("{level}", level) for k, v in words(lang).items() if k.startswith(pre)}


def median_cell(r: dict | None) -> str:
    return "-" if r is None else fmt.plain_median_ci(r["median"], r["median_ci_low"], r["median_ci_high"])


#: Patients named in the flag of removed patients at most (the Patients section and the JSON list all).
FLAG_IDS = 20


def _esc(v: object) -> str:
    return md_escape(v, cell=True)


def _orr_cell(r: dict | None) -> str:
    if r is None:
        return "-"
    return fmt.plain_rate(r.get("n", 0), r.get("N", 0), r.get("pct"), r.get("ci_low"), r.get("ci_high"))


def _hr_cell(r: dict | None) -> str:
    return "-" if r is None else fmt.plain_hr(r.get("hr"), r.get("hr_ci_low"), r.get("hr_ci_high"))


def _table(head: list[str], rows: list[list[object]], limit: int | None = None, more: str = "") -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    shown = rows if not limit else rows[:limit]
    out += ["| " + " | ".join(_esc(c) for c in r) + " |" for r in shown]
    if len(shown) < len(rows):
        out += ["", more.format(n=len(rows) - len(shown))]
    return out + [""]


def _flag_text(f: dict, t: dict[str, str]) -> str:
    if f["kind"] == "patients_removed":
        ids = f["patient_ids"]
        shown = ", ".join(ids[:FLAG_IDS]) + ("" if len(ids) <= FLAG_IDS else ", " + t["more"].format(
            n=len(ids) - FLAG_IDS))
        return t["flag_removed"].format(n=len(ids), ids=shown)
    if f["kind"] in ("median_reached", "median_no_longer_reached"):
        return f"{f['what']}: {fmt.plain_num(f['a'])} -> {fmt.plain_num(f['b'])}"
    side = t["now_significant"] if f.get("now_significant") else t["now_not_significant"]
    return f"{f['what']}: {fmt.plain_p(f['a'])} -> {fmt.plain_p(f['b'])} ({side})"


def _runs(d: dict, t: dict[str, str], limit: int | None) -> list[str]:
    """The title, the two runs side by side, notes and config changes."""
    a, b = d["a"], d["b"]

    def inputs(s: dict) -> str:
        return "; ".join(f"{i['table']} {str(i['sha256'])[:12]}" for i in s["inputs"])

    out = [f"# {t['title'].format(study=d['study'], a=a['cutoff'], b=b['cutoff'])}", ""]
    out += _table(["", "A", "B"], [
        [t["run"], a["folder"], b["folder"]], [t["cutoff"], a["cutoff"], b["cutoff"]],
        [t["patients"], a["n_patients"], b["n_patients"]], [t["source"], a["response_source"], b["response_source"]],
        [t["inputs"], inputs(a), inputs(b)]])
    if d["notes"]:
        out += [f"**{t['notes']}**", ""] + [f"- {n}" for n in d["notes"]] + [""]
    if d["config_changes"]:
        out += [f"**{t['config']}**", ""] + [f"- `{c['key']}`: {_esc(c['a'])} -> {_esc(c['b'])}"
                                             for c in d["config_changes"]] + [""]
    return out


def _flags(d: dict, t: dict[str, str], limit: int | None) -> list[str]:
    out = [f"## {t['flags']}", ""]
    out += [f"- {_esc(_flag_text(f, t))}" for f in d["flags"]] if d["flags"] else [t["no_flags"]]
    return out + [""]


def _patients(d: dict, t: dict[str, str], limit: int | None) -> list[str]:
    pats = d["patients"]
    out = [f"## {t['pat_section']}", ""]
    for k in ("added", "removed"):
        shown = pats[k] if not limit else pats[k][:limit]
        ids = ", ".join(_esc(p["patient_id"]) for p in shown) or t["none"]
        if len(shown) < len(pats[k]):
            ids += ", " + t["more"].format(n=len(pats[k]) - len(shown))
        out.append(f"- {t[k]} ({len(pats[k])}): {ids}")
    return out + [""]


def _events(d: dict, t: dict[str, str], limit: int | None) -> list[str]:
    """New, removed and re-dated progressions and deaths; best responses that changed."""
    out = [f"## {t['events']}", ""]
    for k in ("progressions", "deaths"):
        ev = d[k]
        rows = [[t["new"], e["patient_id"], e["date"],
                 "; ".join(x for x, on in ((t["new_patient"], e["new_patient"]),
                                            (t["late"], e["on_or_before_a_cutoff"])) if on)] for e in ev["new"]]
        rows += [[t["removed"], e["patient_id"], e["date"], ""] for e in ev["removed"]]
        rows += [[t["date_changed"], e["patient_id"], f"{e['a']} -> {e['b']}", ""] for e in ev["date_changed"]]
        out += [f"**{t[k]}** ({t['new']} {len(ev['new'])})", ""]
        out += _table(["", "patient_id", "date", ""], rows, limit, t["more"]) if rows else [t["none"], ""]
    changed = d["best_response_changed"]
    out += [f"**{t['bor']}** ({len(changed)})", ""]
    out += (_table(["patient_id", "A", "B"], [[r["patient_id"], r["a"], r["b"]] for r in changed], limit, t["more"])
            if changed else [t["none"], ""])
    return out


def _follow_up(d: dict, t: dict[str, str], limit: int | None) -> list[str]:
    fu, g = d["follow_up"], d["follow_up"]["per_patient_gain_months"]

    def med(x: dict | None) -> str:
        return "-" if not x else fmt.plain_median_ci(x.get("median"), x.get("ci_low"), x.get("ci_high"))

    def rng(x: dict | None) -> str:
        return "-" if not x else f"{fmt.plain_num(x.get('min'), '-')}-{fmt.plain_num(x.get('max'), '-')}"

    pm = fu["os_person_months"]
    out = [f"## {t['fu']}", ""]
    out += _table(["", "A", "B"], [
        [t["fu_median"], med(fu["a"]), med(fu["b"])], [t["fu_range"], rng(fu["a"]), rng(fu["b"])],
        [t["fu_pm"], fmt.plain_num(pm["a"], "-"), fmt.plain_num(pm["b"], "-")]])
    return out + [f"{t['fu_gain']}: {fmt.plain_num(g['median'], '-')} / {fmt.plain_num(g['max'], '-')}, "
                  f"n = {g['n']}", ""]


def _headline(d: dict, t: dict[str, str], limit: int | None) -> list[str]:
    """Patients, ORR by population, medians and comparisons in A and B, with their flags."""
    h = d["headline"]
    out = [f"## {t['head']}", "", f"{t['patients']}: {h['n_patients']['a']} -> {h['n_patients']['b']}", ""]
    out += [f"**{t['orr']}**", ""]
    out += _table([t["population"], "A", "B", ""], [[r["population"], _orr_cell(r["a"]), _orr_cell(r["b"]),
                                                     "" if r["changed"] else t["unchanged"]] for r in h["orr"]])
    out += [f"**{t['medians']}**", ""]
    out += _table([t["endpoint"], t["group"], f"A ({t['events_col']}/n)", f"B ({t['events_col']}/n)",
                   "A", "B", t["flag"]], [
        [r["endpoint"], t["all"] if r["group_by"] is None else f"{r['group_by']} = {r['group']}",
         "-" if r["a"] is None else f"{r['a']['events']}/{r['a']['n']}",
         "-" if r["b"] is None else f"{r['b']['events']}/{r['b']['n']}",
         median_cell(r["a"]), median_cell(r["b"]), ", ".join(r["flags"])] for r in h["medians"]])
    out += [f"**{t['comparisons']}**", ""]
    out += _table([t["endpoint"], t["grouping"], t["test"], "p A", "p B", f"{t['hr']} A", f"{t['hr']} B",
                   t["flag"]], [
        [r["endpoint"], r["group_by"] if r["landmark_days"] is None else t["landmark"].format(
            by=r["group_by"], d=r["landmark_days"]), r["test"], fmt.plain_p((r["a"] or {}).get("p")),
         fmt.plain_p((r["b"] or {}).get("p")),
         _hr_cell(r["a"]), _hr_cell(r["b"]), ", ".join(r["flags"])] for r in h["comparisons"]])
    return out


def _record_rows(x: dict, t: dict[str, str]) -> list[list[object]]:
    """One table's changed, added and removed records as rows (what, key, column, old, new)."""
    rows = []
    for c in x["changed"]:
        key = ", ".join(c["key"][k] for k in x["key"])
        rows += [[t["changed_undated" if ch.get("undated") else "changed"], key, ch["column"], ch["old"], ch["new"]]
                 for ch in c["changes"]]
    for k in ("added", "removed"):
        for r in x[k]:
            key = ", ".join(r.get(c, "") for c in x["key"])
            rest = "; ".join(f"{c}={v}" for c, v in r.items() if c not in x["key"])
            rows.append([t[k], key, "", "" if k == "added" else rest, rest if k == "added" else ""])
    return rows


def _records(d: dict, t: dict[str, str], limit: int | None) -> list[str]:
    """The records dated up to the earlier cut-off that differ, table by table."""
    rec = d["records"]
    out = [f"## {t['records'].format(d=rec['as_of'])}", ""]
    if not rec["available"]:
        return out + [t["records_na"].format(note=rec.get("note", "")), ""]
    followed = rec.get("followed_past_as_of") or []  # runs compared before it was kept have none
    if followed:
        out += [t["followed"].format(n=len(followed), d=rec["as_of"]), ""]
    if rec["n_differences"] == 0 and not any(x.get("columns_added") or x.get("columns_removed")
                                             for x in rec["tables"].values()):
        return out + [t["records_none"].format(d=rec["as_of"]), ""]
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
        out += _table(["", t["record"], t["column"], t["old"], t["new_val"]], _record_rows(x, t), limit, t["more"])
        if any(ch.get("undated") for c in x["changed"] for ch in c["changes"]):
            out += [t["undated_note"].format(d=rec["as_of"]), ""]
    return out


#: The parts of the comparison, in order.
_PARTS = (_runs, _flags, _patients, _events, _follow_up, _headline, _records)


def format_comparison(d: dict, lang: str = "en", limit: int | None = 200) -> str:
    """The comparison as Markdown (``lang`` en or zh).

    Lists longer than ``limit`` (patients, events, records) are cut there with a line saying how many
    more the JSON holds; ``None`` or 0 lists everything.
    """
    t = _words(lang, level_text([d["a"].get("conf_level"), d["b"].get("conf_level")]))
    out = [line for part in _PARTS for line in part(d, t, limit)]
    return "\n".join(out).rstrip("\n") + "\n"
