"""The message catalogue: every sentence a clerk reads from reportkit, in Chinese and English.

Messages are looked up by code and filled in with `str.format`; Chinese (`zh`) is the default,
English (`en`) is available everywhere. Messages quote the table's own row and column labels,
which come from `reportkit.model` and are passed in as parameters.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

LANGS = ("zh", "en")


def default_language() -> str:
    """Return the language messages use when none is asked for: REPORTKIT_LANG, else Chinese."""
    lang = os.environ.get("REPORTKIT_LANG", "zh")
    return lang if lang in LANGS else "zh"


class Msg(NamedTuple):
    """A message used as a parameter of another, translated in the same language."""

    code: str
    params: Mapping[str, Any] = MappingProxyType({})

    def __reduce__(self) -> tuple[Any, ...]:
        # a problem goes from a batch's worker to the main process by pickle, which cannot
        # take the read-only mapping of the default
        return (Msg, (self.code, dict(self.params)))


CATALOGUE: dict[str, tuple[str, str]] = {
    # Reading the data file
    "file_not_found": ("找不到文件", "file not found"),
    "is_directory": ("这是一个文件夹，不是数据文件", "this is a folder, not a data file"),
    "read_failed": ("无法读取文件：{reason}", "cannot read the file: {reason}"),
    "empty_file": ("文件是空的", "the file is empty"),
    "not_utf8": (
        "文件不是 UTF-8 编码（第 {line} 行附近）；请在编辑器中另存为 UTF-8 编码后重试",
        "the file is not UTF-8 encoded (near line {line}); save it as UTF-8 and try again",
    ),
    "previous_not_found": (
        "找不到上年的数据文件 {previous}",
        "last year's data file {previous} was not found",
    ),
    "gbk_file": (
        "文件是 GBK/GB18030 编码（Windows 记事本等保存的“ANSI”编码），不是 UTF-8；"
        "请用记事本“另存为”，编码选择“UTF-8”后重试",
        "the file is in GBK/GB18030 (what Windows tools call 'ANSI'), not UTF-8; "
        "use 'Save as' with the encoding 'UTF-8' and try again",
    ),
    "utf16_file": (
        "文件是 UTF-16 编码（记事本中的“Unicode”），不是 UTF-8；请“另存为”UTF-8 编码后重试",
        "the file is in UTF-16 (Notepad's 'Unicode'), not UTF-8; save it as UTF-8 and try again",
    ),
    "control_characters": (
        "含有不可见的控制字符（{chars}），已删除",
        "contained invisible control characters ({chars}); they were removed",
    ),
    "invisible_characters": (
        "含有看不见的字符（{chars}，如零宽空格、文字方向控制符），已删除",
        "contained invisible characters ({chars}: zero-width spaces, direction controls); "
        "they were removed",
    ),
    "toml_syntax": ("TOML 格式错误：{detail}", "TOML syntax error: {detail}"),
    "toml_error": (
        "TOML 格式错误（第 {column} 列）：{what}{hint}",
        "TOML syntax error (column {column}): {what}{hint}",
    ),
    "toml_error_end": (
        "TOML 格式错误（文件末尾）：{what}{hint}",
        "TOML syntax error (at the end of the file): {what}{hint}",
    ),
    "too_deep": (
        "列表或表嵌套过深，无法读取",
        "lists or tables are nested too deep to be read",
    ),
    "toml_unclosed_string": (
        "字符串缺少结尾的引号",
        "a string is missing its closing quote",
    ),
    "toml_illegal_char": (
        "此处不能有字符 {char}",
        "the character {char} cannot stand here",
    ),
    "toml_after_statement": (
        "一行只能写一项「键 = 值」，此处多出了内容",
        "a line holds one 'key = value'; something extra follows it here",
    ),
    "toml_invalid_value": (
        "值的写法不对：数字直接写，文字用英文双引号括起，列表用 [ ]",
        "this value is not written right: numbers as they are, text in double quotes, lists in [ ]",
    ),
    "toml_bad_date": ("日期不成立或写法不对", "the date does not exist or is not written right"),
    "toml_unclosed_array": (
        "列表缺少结尾的 ]，或列表的各项之间缺少英文逗号",
        "a list is missing its closing ], or a comma between its items",
    ),
    "toml_unclosed_table": (
        "{ … } 缺少结尾的 }，或各项之间缺少英文逗号",
        "a { … } is missing its closing }, or a comma between its items",
    ),
    "toml_duplicate": (
        "同一个键或表写了两次",
        "the same key or table is written twice",
    ),
    "toml_expected_equals": (
        "键的后面应是英文等号 =",
        "a key must be followed by an equals sign =",
    ),
    "toml_bad_key": (
        "键名只能用英文字母、数字、_ 和 -（或用英文引号括起）",
        "a key is made of ASCII letters, digits, _ and - (or written in double quotes)",
    ),
    "toml_invalid_statement": (
        "这一行不是「键 = 值」或 [表名]",
        "this line is neither 'key = value' nor [table]",
    ),
    "toml_unclosed_header": (
        "表名缺少结尾的 ]",
        "a [table] header is missing its closing ]",
    ),
    "toml_backslash": (
        "双引号中的反斜杠 \\ 要写成 \\\\，或改用单引号 '…'",
        "a backslash \\ in double quotes must be written \\\\, or use single quotes '…'",
    ),
    "toml_bad_escape": ("转义写法不对（{detail}）", "an escape sequence is wrong ({detail})"),
    "toml_hint_date": (
        "。提示：日期应写成 2024-01-15 这样（年-月-日，月和日都写两位数，不加引号）",
        ". Hint: write dates as 2024-01-15 (year-month-day, two-digit month and day, no quotes)",
    ),
    "toml_hint_quote": (
        '。提示：这一行的英文双引号不成对，文字的首尾都要有 "',
        '. Hint: the double quotes on this line do not pair up; text needs a " at both ends',
    ),
    "toml_hint_fullwidth": (
        '。提示：这一行有中文全角符号「{chars}」；TOML 的括号、引号、等号和逗号须用英文半角 [ ] " = ,',
        ". Hint: this line has full-width signs '{chars}'; TOML's brackets, quotes, equals sign and "
        'commas must be ASCII: [ ] " = ,',
    ),
    "toml_hint_digits": (
        "。提示：这一行有全角数字「{chars}」，请改为半角数字",
        ". Hint: this line has full-width digits '{chars}'; use ASCII digits",
    ),
    "toml_hint_comma": (
        "。提示：列表各项之间要用英文逗号 , 分隔，不能用「{chars}」",
        ". Hint: separate list items with an ASCII comma , not '{chars}'",
    ),
    # Fitting the format
    "missing": ("缺少必填项", "required key is missing"),
    "unknown_key": (
        "未知的键「{key}」，是否应为「{suggestion}」？",
        "unknown key '{key}'; did you mean '{suggestion}'?",
    ),
    "unknown_key_plain": ("未知的键「{key}」", "unknown key '{key}'"),
    "not_integer": ("应为整数，实为 {found}", "expected a whole number, found {found}"),
    "quoted_integer": (
        "应为整数（数字不加引号：写 {number}），实为 {found}",
        "expected a whole number (numbers take no quotes: write {number}), found {found}",
    ),
    "fraction_count": (
        "件数应为整数，实为小数 {found}",
        "a count must be a whole number, found the fraction {found}",
    ),
    "negative": ("不能为负数，实为 {found}", "must not be negative, found {found}"),
    "below_minimum": (
        "应不小于 {minimum}，实为 {found}",
        "must be at least {minimum}, found {found}",
    ),
    "too_large": ("数值过大：{found}", "number too large: {found}"),
    "too_many_places_plain": (
        "最多写 {places} 位小数，实为 {found}",
        "at most {places} decimal places, found {found}",
    ),
    "too_many_places": (
        "金额最多写 {places} 位小数、18 位数字，实为 {found}",
        "an amount has at most {places} decimal places and 18 digits, found {found}",
    ),
    "number_too_long": (
        "有一个数字长达上千位，无法读取；请核对",
        "a number thousands of digits long cannot be read; check it",
    ),
    "too_long": ("过长：最多 {limit} 个字", "too long: at most {limit} characters"),
    "not_finite": ("应为数字，实为 {found}", "expected a number, found {found}"),
    "not_number": (
        "应为数字（直接写数字，不加引号），实为 {found}",
        "expected a number (written as it is, without quotes), found {found}",
    ),
    "not_string": (
        "应为文字（用引号括起），实为 {found}",
        "expected text in quotes, found {found}",
    ),
    "empty_string": ("不能为空", "must not be empty"),
    "not_bool": ("应为 true 或 false，实为 {found}", "expected true or false, found {found}"),
    "not_date": (
        "应为日期（如 2023-01-10），实为 {found}",
        "expected a date such as 2023-01-10, found {found}",
    ),
    "not_table": ("应为一组键值（表），实为 {found}", "expected a table of keys, found {found}"),
    "not_list": ("应为列表 [ … ]，实为 {found}", "expected a list [ … ], found {found}"),
    "row_length": (
        "应有 {expected} 个数（不含总计）或 {expected_total} 个数（含总计），实有 {found} 个",
        "expected {expected} numbers (without the total) or {expected_total} (with it), found {found}",
    ),
    "row_length_exact": (
        "应有 {expected} 个数，实有 {found} 个",
        "expected {expected} numbers, found {found}",
    ),
    "year_before_2021": (
        "报告年度 {found} 早于 2021 年：2021 年版格式（国办公开办函〔2021〕30号）用于 2021 年起的报告；"
        '2019、2020 年度的报告是 2019 年版格式，写 format = "gov-info-disclosure-2019" 可以校验，但不能生成文档',
        "report year {found} is before 2021: the 2021 format is for reports on 2021 onward; "
        "the 2019 format is not supported for rendering, but a report on 2019 or 2020 is checked "
        'with format = "gov-info-disclosure-2019"',
    ),
    "year_too_late": ("报告年度 {found} 不合理", "report year {found} is not plausible"),
    "bad_choice": (
        "应为以下之一：{allowed}；实为 {found}",
        "expected one of {allowed}; found {found}",
    ),
    "bad_level": (
        "层级应为以下之一：{allowed}；实为 {found}{suggestion}",
        "the level must be one of: {allowed}; found {found}{suggestion}",
    ),
    "level_choices": (
        "town（乡镇）、subdistrict（街道）、county_department（县级部门）、"
        "county_government（县级政府）、prefecture_department（市级部门）、"
        "prefecture_government（市级政府）、provincial_department（省级部门）、"
        "provincial_government（省级政府）、other（其他）",
        "town, subdistrict, county_department, county_government, prefecture_department, "
        "prefecture_government, provincial_department, provincial_government, other",
    ),
    "did_you_mean": ('，是否应为 "{value}"？', '; did you mean "{value}"?'),
    "heading_with_text": (
        "独立小标题（heading）不能同时带有正文（text/lead）",
        "a standing sub-head (heading) cannot also have text or lead",
    ),
    "empty_block": ("段落为空", "empty paragraph"),
    "invalid": ("数据不合格式：{detail}", "invalid value: {detail}"),
    # Consistency rules
    "rule_sum": (
        "应为 {expected}（= {arithmetic}），实为 {found}",
        "should be {expected} (= {arithmetic}), found {found}",
    ),
    "rule_sum_zeros": (
        "应为 {expected}（= {arithmetic}，另有 {zeros} 项为 0），实为 {found}",
        "should be {expected} (= {arithmetic}; {zeros} more terms are 0), found {found}",
    ),
    "rule_sum_all_zero": (
        "应为 0（{count} 项均为 0），实为 {found}",
        "should be 0 (all {count} terms are 0), found {found}",
    ),
    "rule_max": (
        "计算得出的总计为 {found}，超过单元格可填的最大数 {limit}；请核对各项数字",
        "the computed total is {found}, more than a cell can hold ({limit}); check the figures",
    ),
    "rule_fill": (
        "「{what}」尚未填写",
        "'{what}' is not filled in yet",
    ),
    "rule_fill_part": (
        "「{part}」还没有正文；请写入本部分的内容（示例数据可写 sample = true）",
        "'{part}' has no text yet; write this part (sample data may say sample = true)",
    ),
    "rule_d_late": (
        "落款日期 {date} 不合理：报告应在次年（{next} 年）内公开",
        "the report date {date} is implausible: the report is published in the following year ({next})",
    ),
    "standard_sentences": ("标准句子", "the standard sentences"),
    "rules_skipped": (
        "因 {parts} 有误未能读取，以下校验未进行：{rules}；改正后请再次校验",
        "{parts} could not be read, so these checks did not run: {rules}; check again once fixed",
    ),
    "previous_is_self": (
        "上年的数据文件不能是本文件自身",
        "last year's data file cannot be this file itself",
    ),
    "previous_wrong_year": (
        "上年的数据文件 {previous} 是 {found} 年度的报告，应为 {expected} 年度",
        "last year's data file {previous} is the report of {found}; expected {expected}",
    ),
    "rule_a": (
        "一 + 二 = {left}（= {received} + {carried}），而 三（七）总计 + 四 = {right}（= {handled} + {forward}），两者应相等",
        "一 + 二 = {left} (= {received} + {carried}) but 三（七）总计 + 四 = {right} "
        "(= {handled} + {forward}); they must be equal",
    ),
    "rule_x": (
        "应等于上年报告（{previous}）的「四、结转下年度继续办理」{expected}，实为 {found}",
        "should equal last year's 四、结转下年度继续办理 ({previous}): {expected}, found {found}",
    ),
    "rule_r": (
        "应为 {expected}（= 上年 {last} + 本年制发 {issued} − 本年废止 {repealed}），实为 {found}",
        "should be {expected} (= last year's {last} + issued {issued} − repealed {repealed}), "
        "found {found}",
    ),
    "rule_similar": (
        "与上年报告（{previous}）{where} 雷同（相似度 {percent}%），请重新撰写",
        "is the same as last year's report ({previous}) {where} ({percent}% alike); rewrite it",
    ),
    "rule_d": (
        "落款日期 {date} 应在报告年度 {year} 年结束之后",
        "the report date {date} must fall after the report year {year}",
    ),
    "rule_dl": (
        "落款日期 {date} 晚于公开期限 {deadline}",
        "the report date {date} is past the publication deadline {deadline}",
    ),
    "rule_prose": (
        "正文称「{quote}」，而表格中 {cells} 为 {table}",
        "the text says '{quote}' but the table has {table} in {cells}",
    ),
    "rule_draft": (
        "这一部分仍是上年的文字（draft = true）：请改写后删除 draft = true",
        "this part is still last year's text (draft = true): rewrite it, then remove the mark",
    ),
    # Sentences
    "unknown_sentence": (
        "没有编号为「{id}」的句子，是否应为「{suggestion}」？",
        "there is no sentence '{id}'; did you mean '{suggestion}'?",
    ),
    "unknown_sentence_plain": ("没有编号为「{id}」的句子", "there is no sentence '{id}'"),
    "sentence_failed": (
        "句子「{id}」无法生成：{detail}",
        "sentence '{id}' could not be written: {detail}",
    ),
    "rulebook_not_found": ("找不到句子规则文件 {path}", "the rulebook file {path} was not found"),
    "bad_rulebook": ("句子规则文件有误：{detail}", "the sentence rulebook is invalid: {detail}"),
    # Templates
    "template_not_found": ("找不到模板文件", "template file not found"),
    "template_not_docx": (
        "模板不是有效的 .docx 文件（{detail}）",
        "the template is not a valid .docx file ({detail})",
    ),
    "template_no_document": (
        "模板不是有效的 Word 文档：缺少正文部分（{detail}）",
        "the template is not a Word document: it has no main document part ({detail})",
    ),
    "template_too_large": (
        "模板文件解压后过大或条目过多，已拒绝（{detail}）",
        "the template unpacks too big or into too many entries; refused ({detail})",
    ),
    "template_syntax": (
        "模板标签有误：{detail}（位于「{near}」附近）",
        "template tag error: {detail} (near '{near}')",
    ),
    "template_undefined": (
        "模板使用了数据中没有的变量：{detail}",
        "the template uses a variable the data does not provide: {detail}",
    ),
    "template_failed": ("模板无法渲染：{detail}", "the template could not be rendered: {detail}"),
    # Output
    "output_dir_missing": ("输出文件夹不存在", "the output folder does not exist"),
    "output_exists": (
        "文件已存在，为免覆盖未写入；请换一个文件名或先删除原文件",
        "the file exists and is not overwritten; choose another name or remove it first",
    ),
    "output_is_file": ("应为文件夹，但这是一个文件", "expected a folder, found a file"),
    "date_cannot_move": (
        "「{key}」无法顺延一年（日期不合理）；请先改正上年文件中的日期",
        "'{key}' cannot be moved on a year (the date is implausible); correct it in last year's file",
    ),
    "year_not_after": (
        "新的报告年度 {year} 应晚于上年文件的年度 {last}",
        "the new report year {year} must come after last year's file's {last}",
    ),
    "output_suffix": (
        "输出文件应以 {suffix} 结尾（为免覆盖数据文件，未写入）",
        "the output file must end in {suffix} (nothing written, so no data file is overwritten)",
    ),
    "output_is_dir": ("输出路径是一个文件夹", "the output path is a folder"),
    "output_failed": (
        "无法写入输出文件：{reason}（如文件正被 Word/WPS 打开，请先关闭）",
        "cannot write the output file: {reason} (if it is open in Word or WPS, close it first)",
    ),
    # PDF conversion
    "soffice_missing": (
        "未找到 LibreOffice（soffice），无法转换为 PDF；请安装 LibreOffice",
        "LibreOffice (soffice) was not found, so no PDF can be made; install LibreOffice",
    ),
    "pdf_failed": ("PDF 转换失败：{detail}", "PDF conversion failed: {detail}"),
    # Batch
    "county_not_found": ("找不到县（区）文件夹", "county folder not found"),
    "county_empty": (
        "文件夹中没有单位的数据文件（*.toml，county.toml 除外）",
        "the folder holds no agency data file (*.toml other than county.toml)",
    ),
    "out_is_county": (
        "输出文件夹不能是县（区）文件夹本身",
        "the output folder cannot be the county folder itself",
    ),
    "previous_dir_not_found": (
        "找不到上年的县（区）文件夹（--previous 应为文件夹）",
        "last year's county folder was not found (--previous takes a folder)",
    ),
    "same_output": (
        "与 {other} 的输出文件同为「{output}」，请修改单位名称",
        "would write the same file '{output}' as {other}; change the agency's name",
    ),
    "rulebook_not_allowed": (
        "单位自己的数据文件不能指定句子规则文件（规则是会被执行的代码）；"
        "如县里允许，请在 county.toml 中写 [batch] agency_rulebooks = true",
        "an agency's own data file may not name a rulebook (a rulebook is code that runs); "
        "if the county allows it, write [batch] agency_rulebooks = true in county.toml",
    ),
    "county_setting": (
        "county.toml 中的「{key}」应为 {expected}",
        "'{key}' in county.toml must be {expected}",
    ),
    "agency_crashed": (
        "处理这个单位时出现内部错误，其他单位照常处理（请附 --debug 输出报告此问题）：{detail}",
        "an internal error stopped this agency; the others went on (please report it): {detail}",
    ),
    "worker_died": (
        "生成这个单位的报告时，工作进程意外退出（{detail}）；其他单位照常处理",
        "the worker process rendering this agency died ({detail}); the others went on",
    ),
    "batch_locked": (
        "另一个 reportkit batch（{holder}）正在写入这个输出文件夹；请等它结束，或换一个输出文件夹",
        "another reportkit batch ({holder}) is writing into this output folder; wait for it, "
        "or use another folder",
    ),
    "not_regular_file": (
        "这不是普通文件（可能是管道或设备），未读取",
        "this is not a regular file (a pipe or a device, say); it was not read",
    ),
    "similar_agency": (
        "与 {other} 的 {where} 雷同（相似度 {percent}%）",
        "is the same as {other}'s {where} ({percent}% alike)",
    ),
    "status_rendered": ("已生成", "rendered"),
    "status_unchanged": ("未变化", "unchanged"),
    "status_forced": ("已强制生成（未通过校验）", "rendered anyway (failed checks)"),
    "status_failed": ("未通过", "failed"),
    "col_agency": ("单位", "agency"),
    "col_status": ("状态", "status"),
    "col_errors": ("错误", "errors"),
    "col_warnings": ("警告", "warnings"),
    "col_output": ("输出文件", "output file"),
    "col_data": ("数据文件", "data file"),
    "problem_report_head": (
        "{agency}（数据文件 {file}）的报告未能生成，请按以下问题修改后重新报送：",
        "The report of {agency} (data file {file}) could not be made; fix these problems:",
    ),
    "warning_report_head": (
        "{agency}（数据文件 {file}）的报告已生成，但有以下问题需要核对：",
        "The report of {agency} (data file {file}) was made, but check these problems:",
    ),
    "batch_done": (
        "共 {total} 个单位：已生成 {rendered}，未变化 {unchanged}，未通过 {failed}",
        "{total} agenc{total_ies}: {rendered} rendered, {unchanged} unchanged, {failed} failed",
    ),
    "batch_progress": ("正在生成报告", "rendering reports"),
    "help_batch": (
        "批量校验并生成一个县（区）文件夹中所有单位的报告，并输出汇总表 summary.csv。",
        "check and render the report of every agency in a county folder, with a summary.csv.",
    ),
    "help_out_dir": ("输出文件夹", "output folder"),
    "help_jobs": ("并行进程数（默认：CPU 核数）", "worker processes (default: one per core)"),
    "help_previous_dir": (
        "上年的县（区）文件夹，用于跨年度校验",
        "last year's county folder, for the checks across years",
    ),
    "help_rebuild": ("忽略上次结果，全部重新生成", "render every agency, changed or not"),
    "help_force_batch": (
        "未通过校验的单位也生成报告，页眉标注「未通过校验」",
        "render failing agencies too, marked 未通过校验 in the header",
    ),
    "help_totals": (
        "把通过校验的单位的表格数字汇总为一个数据文件",
        "sum the tables of every agency that passed into one data file",
    ),
    "totals_none": ("没有通过校验的单位，无法汇总", "no agency passed its checks: nothing to sum"),
    "totals_written": (
        "已生成汇总数据文件 {path}（含 {count} 个单位）",
        "wrote the county totals {path} ({count} agenc{count_ies})",
    ),
    # CLI
    "warning_prefix": ("警告：", "warning: "),
    "rendered": ("已生成 {path}", "wrote {path}"),
    "pdf_written": ("已生成 {path}", "wrote {path}"),
    "problems_found": (
        "共发现 {errors} 个错误、{warnings} 个警告",
        "{errors} error{errors_s}, {warnings} warning{warnings_s}",
    ),
    "check_ok": ("{file}：校验通过", "{file}: all checks passed"),
    "not_written": ("有错误，未生成文件", "errors found, nothing was written"),
    "forced": (
        "数据未通过校验，已按 --force 生成，文档页眉标注「未通过校验」",
        "the data failed its checks; rendered anyway (--force), marked 未通过校验 in the header",
    ),
    "interrupted": ("已中断", "interrupted"),
    # Help texts
    "help_main": (
        "reportkit：由 TOML 数据文件生成政府信息公开工作年度报告（.docx）。",
        "reportkit: write the 政府信息公开工作年度报告 (.docx) from a TOML data file.",
    ),
    "help_version": ("显示版本号并退出", "show the version and exit"),
    "help_help": ("显示本帮助并退出", "show this help and exit"),
    "help_lang": (
        "提示语言：zh（中文，默认）或 en（英文）",
        "message language: zh (default) or en",
    ),
    "help_debug": (
        "出错时显示完整的调用栈（用于报告问题）",
        "show the traceback of an error (for bug reports)",
    ),
    "help_render": (
        "校验数据文件并生成报告（.docx）。默认输出到数据文件旁，同名，扩展名 .docx。",
        "check a data file and write its report (.docx); by default beside the data file, same name.",
    ),
    "help_output": ("输出文件路径", "output file"),
    "help_template": (
        "使用自定义模板（.docx）",
        "use this template (.docx) instead of the official one",
    ),
    "help_force": (
        "数据未通过校验时仍然生成，并在页眉标注「未通过校验」",
        "render even when checks fail; the document is marked 未通过校验 in its header",
    ),
    "help_pdf": ("同时用 LibreOffice 转换为 PDF", "also convert to PDF with LibreOffice"),
    "help_check": (
        "校验数据文件（表格勾稽关系等），一次列出全部问题；有错误时退出码为 1。",
        "check data files (the tables' consistency rules and more), listing every problem; "
        "exit 1 on errors.",
    ),
    "help_previous": (
        "上年的数据文件，用于跨年度校验（上年结转、现行有效件数、雷同）",
        "last year's data file, for the checks across years (carry-over, documents in force, 雷同)",
    ),
    "help_fill": (
        "把未填写的总计（计算得出）写入数据文件，保留注释和格式",
        "write the omitted totals, computed, into the data file, keeping its comments and layout",
    ),
    "filled": ("{file}：已写入 {path}", "{file}: wrote {path}"),
    "help_new": (
        "生成数据文件：--agency 和 --year 生成空白模板（含全部表格行和说明）；"
        "--from 由上年的数据文件（或县文件夹）生成本年的文件",
        "write a data file: with --agency and --year, a commented skeleton; with --from, "
        "next year's file (or county folder) from last year's",
    ),
    "help_agency": ("单位全称，如 江坡镇人民政府", "the agency's full name, e.g. 江坡镇人民政府"),
    "help_year": ("报告年度", "the report year"),
    "help_level": (
        "单位层级（默认按名称推断）",
        "the agency's level (default: guessed from its name)",
    ),
    "help_from": ("上年的数据文件或县（区）文件夹", "last year's data file or county folder"),
    "new_from_alone": (
        "--from 从去年的文件接续，单位名称和级别都取自去年的文件：不能再给 --agency、--level 或 --kind",
        "--from carries last year's file over, its agency and level included: --agency, --level "
        "and --kind cannot be given with it",
    ),
    "new_needs": ("请给出 --agency 和 --year，或 --from", "give --agency and --year, or --from"),
    "skeleton_written": (
        "已生成数据文件 {path}：按注释填写后运行 reportkit check",
        "wrote {path}: fill it in, then run reportkit check",
    ),
    "rolled": (
        "已生成 {path}：上年结转已填入，正文标记为 draft，请改写后删除 draft = true",
        "wrote {path}: carry-over filled in, the narrative marked draft: rewrite it, then "
        "remove draft = true",
    ),
    "sheet_unreadable": ("无法读取表格文件（{detail}）", "cannot read the spreadsheet ({detail})"),
    "sheet_unknown_column": (
        "未知的列「{header}」，已忽略",
        "unknown column '{header}', left alone",
    ),
    "sheet_no_file_column": ("缺少「{header}」列", "the column '{header}' is missing"),
    "sheet_unknown_file": (
        "第 {row} 行：找不到数据文件「{name}」",
        "row {row}: no data file '{name}' in the county folder",
    ),
    "sheet_duplicate_file": (
        "第 {row} 行：数据文件「{name}」已出现在第 {first} 行",
        "row {row}: the data file '{name}' is already on row {first}",
    ),
    "sheet_wrong_agency": (
        "第 {row} 行：单位「{found}」与数据文件「{name}」中的单位「{expected}」不符",
        "row {row}: the agency '{found}' is not the one in '{name}' ('{expected}')",
    ),
    "sheet_blank": (
        "第 {row} 行「{header}」：单元格为空，应填数字（没有则填 0）",
        "row {row}, '{header}': blank cell; write a number (0 if none)",
    ),
    "sheet_formula_uncomputed": (
        "第 {row} 行「{header}」：公式 {found} 没有计算结果（表格不是用 Excel 或 WPS 保存的），"
        "请用 Excel 或 WPS 打开后保存，或直接填数字",
        "row {row}, '{header}': the formula {found} has no computed value (the sheet was not "
        "saved by Excel or WPS); open and save it in Excel or WPS, or write the number",
    ),
    "sheet_text": (
        "第 {row} 行「{header}」：应为数字（只写数字和一个小数点，不加逗号、空格或单位），实为「{found}」",
        "row {row}, '{header}': expected a number (digits and at most one decimal point, no commas, "
        "spaces or units), found '{found}'",
    ),
    "sheet_full_width": (
        "第 {row} 行「{header}」：「{found}」是全角数字，请改为半角数字（切换输入法的全角/半角后重新输入）",
        "row {row}, '{header}': '{found}' is written in full-width digits; retype it in "
        "half-width (ASCII) digits",
    ),
    "sheet_negative": (
        "第 {row} 行「{header}」：不能为负数，实为 {found}",
        "row {row}, '{header}': must not be negative, found {found}",
    ),
    "sheet_fraction": (
        "第 {row} 行「{header}」：件数应为整数，实为 {found}",
        "row {row}, '{header}': a count must be a whole number, found {found}",
    ),
    "sheet_too_big": (
        "表格超过 {limit} 行，不像一个县的数字表，未读取",
        "the sheet has more than {limit} rows, which no county's figures have; it was not read",
    ),
    "sheet_too_many_cells": (
        "表格超过 {limit} 个单元格，不像一个县的数字表，未读取",
        "the sheet has more than {limit} cells, which no county's figures have; it was not read",
    ),
    "sheet_unpacks_too_big": (
        "表格文件解压后超过 {limit} MB，不像一个县的数字表，未读取",
        "the spreadsheet unpacks to more than {limit} MB, which no county's figures need;"
        " it was not read",
    ),
    "sheet_too_wide": (
        "表格超过 {limit} 列，不像一个县的数字表，未读取",
        "the sheet has more than {limit} columns, which no county's figures have; it was not read",
    ),
    "sheet_bad_line": (
        "第 {line} 行无法读取（单元格过长，或引号不成对）",
        "line {line} cannot be read (a cell far too long, or quotes that do not pair up)",
    ),
    "sheet_too_large": (
        "第 {row} 行「{header}」：数值过大：{found}",
        "row {row}, '{header}': number too large: {found}",
    ),
    "sheet_refused": (
        "第 {row} 行「{header}」：{why}",
        "row {row}, '{header}': {why}",
    ),
    "sheet_exported": (
        "已导出 {count} 个单位的数字到 {path}",
        "wrote the figures of {count} agenc{count_ies} to {path}",
    ),
    "sheet_imported": ("{file}：已更新 {count} 个数字", "{file}: {count} figure{count_s} updated"),
    "sheet_nothing": (
        "表格中的数字与数据文件一致，没有需要更新的",
        "the sheet matches the data files: nothing to update",
    ),
    "help_sheet": ("与 Excel/WPS 表格交换数字", "exchange figures with an Excel/WPS spreadsheet"),
    "help_sheet_export": (
        "把县（区）文件夹中各单位的表格数字导出为一张表（.xlsx 或 .csv），每个单位一行",
        "write every agency's figures of a county folder to one sheet (.xlsx or .csv), a row each",
    ),
    "help_sheet_import": (
        "把表格中的数字写回各单位的数据文件（保留正文、注释和格式）",
        "write a sheet's figures back into the agencies' data files (keeping text, comments, layout)",
    ),
    "help_format": ("输出格式：text 或 json", "output format: text or json"),
    "help_strict": ("警告也视为错误", "count warnings as errors"),
    "help_schema": (
        "输出数据文件的 JSON Schema（供支持 TOML Schema 的编辑器使用）",
        "print the JSON Schema of the data file, for editors with TOML schema support",
    ),
    "level_why_suffix": ("名称以「{suffix}」结尾", "the name ends in {suffix}"),
    "level_why_place": (
        "名称以「{suffix}」结尾，所在地为「{place}」",
        "the name ends in {suffix} and names the place {place}",
    ),
    "level_why_zone": (
        "「{suffix}」的层级无法从名称判断，暂定为 other（期限不予核对）",
        "the level of a {suffix} cannot be told from its name: other (no deadline is checked)",
    ),
    "level_why_no_place": (
        "名称以「{suffix}」结尾，但看不出所在的省、市或县，暂定为 other",
        "the name ends in {suffix} but names no province, city or county: other",
    ),
    "level_why_unknown": (
        "名称中没有常见的机构后缀（人民政府、局、委、办公室……），暂定为 other",
        "the name has none of the usual endings (人民政府, 局, 委, 办公室 …): other",
    ),
    "help_quiet": ("只显示错误", "print errors only"),
    "help_verbose": (
        "显示更多信息（批量时列出每个单位的警告）",
        "print more (a batch lists every agency's warnings)",
    ),
    "help_output_docx": (
        "输出文件路径（.docx；写 - 则输出到标准输出）",
        "output file (.docx; - writes it to standard output)",
    ),
    "metavar_options": ("[选项]", "[OPTIONS]"),
    "metavar_command": ("命令 [参数]...", "COMMAND [ARGS]..."),
    "metavar_data": ("数据文件", "DATA"),
    "metavar_file": ("文件", "FILE"),
    "metavar_folder": ("文件夹", "FOLDER"),
    "metavar_county": ("县文件夹", "COUNTY"),
    "metavar_template": ("模板", "TEMPLATE"),
    "metavar_name": ("单位全称", "NAME"),
    "metavar_year": ("年度", "YEAR"),
    "metavar_file_or_folder": ("文件或文件夹", "FILE|FOLDER"),
    "metavar_sheet": ("表格文件", "SHEET"),
    "stdin_needs_output": (
        "从标准输入（-）读取数据时，请用 -o 指定输出文件",
        "when the data comes from standard input (-), give the output file with -o",
    ),
    "stdout_no_pdf": (
        "输出到标准输出（-o -）时不能同时转换 PDF",
        "a document written to standard output (-o -) cannot also be converted to PDF",
    ),
    "stdin_no_fill": (
        "--fill 要写回数据文件，不能用于标准输入（-）",
        "--fill writes into the data file, so it cannot read standard input (-)",
    ),
    "batch_warnings_hint": (
        "有单位存在警告：见各单位的问题清单，或加 --verbose 在此列出",
        "some agencies have warnings: see their problem lists, or add --verbose to list them here",
    ),
    "level_guessed": (
        "单位层级按名称推断为 {level}（{label}）：{why}；如不对，请修改文件中的 level",
        "the agency's level was guessed from its name as {level} ({label}): {why}; "
        "correct `level` in the file if it is wrong",
    ),
    "output_is_input": (
        "输出文件不能是输入文件之一（数据文件、模板、句子规则或上年文件），未写入",
        "the output cannot be one of the inputs (data file, template, rulebook, last year's file); "
        "nothing was written",
    ),
    "internal_error": (
        "内部错误（请附 --debug 输出报告此问题）：{detail}",
        "internal error (please report it with the --debug output): {detail}",
    ),
    # --- publishing: fonts, PDF/A, HTML, previews (issue 16) -----------------------------------
    "help_fonts": (
        "列出各部分应使用的字体、本机是否已安装，以及转换 PDF 时使用的替代字体",
        "list each role's official font, whether it is installed, and the substitute PDF "
        "conversion uses",
    ),
    "help_pdf_standard": (
        "PDF 标准：pdfa-2b（归档用 PDF/A-2b，默认）或 none（普通 PDF）",
        "PDF standard: pdfa-2b (PDF/A-2b for the archive, the default) or none (plain PDF)",
    ),
    "help_html": (
        "同时生成网页（.html，可直接粘贴到政府信息公开专栏）",
        "also write a web page (.html) for the government information disclosure portal",
    ),
    "help_preview": (
        "同时生成每份报告第 1 页的预览图（.png，需转换 PDF），并在 summary.csv 中列出",
        "also write a page-1 preview image (.png, converting to PDF) of each report, listed in "
        "summary.csv",
    ),
    "html_written": ("已生成 {path}", "wrote {path}"),
    "html_failed": ("网页生成失败：{detail}", "web page failed: {detail}"),
    "preview_written": ("已生成预览 {path}", "wrote preview {path}"),
    "preview_failed": ("预览图生成失败：{detail}", "preview failed: {detail}"),
    "pdftoppm_missing": (
        "未找到 pdftoppm，无法生成预览图（Debian/Ubuntu：apt-get install poppler-utils）",
        "pdftoppm not found, so no previews (Debian/Ubuntu: apt-get install poppler-utils)",
    ),
    "col_preview": ("预览", "preview"),
    "col_role": ("用途", "role"),
    "col_font": ("规定字体", "official font"),
    "col_installed": ("已安装", "installed"),
    "col_substitute": ("PDF 转换使用", "PDF conversion uses"),
    "role_title": ("标题", "title"),
    "role_heading": ("一级标题（一、）", "headings (一、)"),
    "role_body": ("正文", "body text"),
    "role_subhead": ("二级标题（（一））", "sub-heads (（一）)"),
    "role_page_number": ("页码、表格", "page numbers, tables"),
    "font_yes": ("是", "yes"),
    "font_no": ("否", "no"),
    "font_unknown": ("未知（无 fontconfig）", "unknown (no fontconfig)"),
    "font_official": ("规定字体本身", "the official font itself"),
    "font_none": (
        "无可用替代字体，请安装：{packages}",
        "no substitute installed; install: {packages}",
    ),
    "font_system": ("LibreOffice 自带的替换规则", "LibreOffice's own substitution"),
    "fonts_hint": (
        "Debian/Ubuntu 安装全部替代字体：apt-get install {packages}",
        "all substitutes on Debian/Ubuntu: apt-get install {packages}",
    ),
    # Packaging: the docs and the template shipped in the package, and the JSON Schema
    "help_docs": (
        "在终端中显示使用说明；不给主题时列出全部主题",
        "show a document in the terminal; without a topic, list the topics",
    ),
    "docs_topics": (
        "使用说明（用 reportkit docs 主题 查看）：",
        "Documents (show one with reportkit docs TOPIC):",
    ),
    "docs_unknown": (
        "没有名为「{topic}」的说明；可用的主题：{topics}",
        "there is no document '{topic}'; the topics are: {topics}",
    ),
    "help_template_group": (
        "内置的报告模板（.docx），用于修改样式",
        "the built-in report template (.docx), for restyling",
    ),
    "help_template_export": (
        "把内置模板写到文件（默认为当前文件夹中的 {file}），修改样式后用 render --template 使用",
        "write the built-in template to a file (default: {file} in the current folder); restyle "
        "it, then use it with render --template",
    ),
    "help_template_locale": (
        "模板语言：zh-CN（中文，默认）或 en（英文）",
        "the template's language: zh-CN (default) or en",
    ),
    "help_overwrite": ("覆盖已有的同名文件", "overwrite an existing file of that name"),
    "output_exists_force": (
        "文件已存在，未覆盖；确需覆盖请加 --force",
        "the file exists and was not overwritten; add --force to replace it",
    ),
    "template_exported": (
        "已导出模板 {path}：修改样式后用 reportkit render 数据文件 --template {path} 生成报告",
        "wrote the template {path}: restyle it, then render with --template {path}",
    ),
    "help_schema_report": (
        "政府信息公开工作年度报告数据文件（reportkit）",
        "Data file of a 政府信息公开工作年度报告 (reportkit)",
    ),
    "help_schema_agency": (
        "县（区）文件夹中单位的数据文件（继承 county.toml）",
        "An agency's data file in a county folder (inherits county.toml)",
    ),
    "help_schema_county": (
        "县（区）文件夹的共用文件 county.toml",
        "The shared file of a county folder, county.toml",
    ),
    "help_schema_row": (
        "按纸质表格的列顺序写 {count} 个数（{columns}），或写成以列名为键的表",
        "{count} numbers in the paper form's column order ({columns}), or a table keyed by column",
    ),
    "help_schema_row_total": (
        "按纸质表格的列顺序写 {count} 个数（{columns}；总计可省略，由程序计算），"
        "或写成以列名为键的表",
        "{count} numbers in the paper form's column order ({columns}; the total may be left off "
        "and is computed), or a table keyed by column",
    ),
    "help_schema_block": (
        "一个段落：文字，或 { lead = 段首小标题, text = 正文 }，或 { heading = 独立小标题 }",
        "a paragraph: text, or { lead = run-in sub-head, text = … }, or { heading = sub-head }",
    ),
    "help_field_format": ("报告格式", "report format"),
    "help_field_locale": ("报告语言", "language of the report"),
    "help_field_sample": (
        "示例数据（页眉标注「示例数据」）",
        "invented example data (marked 示例数据 in the header)",
    ),
    "help_field_year": ("报告年度", "report year"),
    "help_field_date": ("落款日期", "date of the report"),
    "help_field_legal_basis": ("编制依据", "legal basis cited in the preamble"),
    "help_field_previous": (
        "上年的数据文件（相对于本文件），用于跨年度校验",
        "last year's data file (relative to this one), for the checks across years",
    ),
    "help_field_rulebook": (
        "本县（区）的句子规则文件（相对于本文件）",
        "the county's own sentence rulebook (relative to this file)",
    ),
    "help_field_deadline": ("公开期限", "publication deadline"),
    "help_field_agency": ("单位", "agency"),
    "help_field_sentences": (
        "标准句子：按编号写入新句子，或写 false 关闭",
        "generated sentences by id: new text, or false to switch one off",
    ),
    "help_field_name": ("单位全称", "full name of the agency"),
    "help_field_short_name": ("单位简称", "short name"),
    "help_field_level": ("单位层级", "level of government"),
    "help_field_county": ("所在县（市、区）", "county"),
    "help_field_prefecture": ("所在市（州）", "prefecture"),
    "help_field_province": ("所在省（自治区、直辖市）", "province"),
    "help_field_contact_office": ("联系科室", "office to contact"),
    "help_field_phone": ("联系电话", "phone"),
    "help_field_fax": ("传真", "fax"),
    "help_field_address": ("地址", "address"),
    "help_field_postcode": ("邮政编码", "postcode"),
    "help_field_text": ("正文段落", "paragraphs"),
    "help_field_before_table": ("表格前的段落", "paragraphs before the table"),
    "help_field_after_table": ("表格后的段落", "paragraphs after the table"),
    "help_field_draft": (
        "仍是上年的文字：改写后删除 draft = true",
        "still last year's text: rewrite it, then remove draft = true",
    ),
    "help_field_info_processing_fee": ("本年收取的信息处理费", "信息处理费 collected in the year"),
    "help_field_lead": ("段首小标题（楷体）", "run-in sub-head"),
    "help_field_heading": ("独立小标题", "standing sub-head"),
    "help_field_table": ("{heading}：表格", "{heading}: the table"),
    "help_field_unit": ("（单位：{unit}）", " (in {unit})"),
    "help_field_totals": (
        "全县汇总报告（reportkit batch --totals），不被单位继承",
        "the county's aggregate report (reportkit batch --totals); not inherited",
    ),
    "help_field_totals_agency": ("汇总报告的单位", "the agency named on the aggregate report"),
    # --- template lint -----------------------------------------------------------------------
    "lint_part_body": ("正文", "body"),
    "lint_part_header": ("页眉{number}", "header {number}"),
    "lint_part_footer": ("页脚{number}", "footer {number}"),
    "lint_part_footnotes": ("脚注", "footnotes"),
    "lint_part_endnotes": ("尾注", "endnotes"),
    "lint_place": ("{part}第 {paragraph} 段", "{part}, paragraph {paragraph}"),
    "lint_place_cell": (
        "{part}第 {table} 个表格第 {row} 行第 {cell} 列",
        "{part}, table {table}, row {row}, cell {cell}",
    ),
    "lint_fullwidth": (
        "{place}：「{near}」中有全角的花括号或百分号；标签须用半角 {{{{ }}}} 和 {{% %}}",
        "{place}: '{near}' has full-width braces or percent signs; tags use ASCII {{{{ }}}} and {{% %}}",
    ),
    "lint_spaced": (
        "{place}：「{near}」中花括号与 {{ 或 % 之间有空格，不是有效的标签",
        "{place}: '{near}' has a space inside a tag's braces; it is not a tag",
    ),
    "lint_split": (
        "{place}：标签「{near}」被分在了两个段落里（Word 中在标签中间换了行）；请把它写在一行",
        "{place}: the tag '{near}' runs over two paragraphs (a line break inside it); keep it on one",
    ),
    "lint_unclosed": (
        "{place}：标签「{near}」没有正确结束",
        "{place}: the tag '{near}' is not closed properly",
    ),
    "lint_curly": (
        "{place}：标签「{near}」中有中文弯引号（Word 的自动更正所致）；请改为英文直引号 \" 或 '",
        "{place}: the tag '{near}' holds curly quotes (Word's autocorrect); use straight \" or '",
    ),
    "lint_row_tag": (
        "{place}：{tag} 只能写在表格的单元格中",
        "{place}: {tag} works only inside a table cell",
    ),
    "lint_paragraph_tag": (
        "{place}：{tag} 会替换整个段落，同一段中的其他文字会丢失；请把它单独放在一段",
        "{place}: {tag} replaces its whole paragraph, and the rest of it would be lost; give it a "
        "paragraph of its own",
    ),
    "lint_syntax": (
        "{place}：标签有误：{detail}（「{near}」）",
        "{place}: tag error: {detail} ('{near}')",
    ),
    "lint_stray": (
        "{place}：{tag} 前面没有与之配对的开始标签（「{near}」）",
        "{place}: {tag} has no opening tag to match ('{near}')",
    ),
    "lint_unclosed_block": (
        "{place}：{tag} 没有对应的结束标签（「{near}」）",
        "{place}: {tag} is never closed ('{near}')",
    ),
    "lint_unknown": (
        "{place}：报告中没有变量「{name}」，是否应为「{suggestion}」？（「{near}」）",
        "{place}: the report has no variable '{name}'; did you mean '{suggestion}'? ('{near}')",
    ),
    "lint_unknown_plain": (
        "{place}：报告中没有变量「{name}」（「{near}」）",
        "{place}: the report has no variable '{name}' ('{near}')",
    ),
    "lint_missing": (
        "模板中没有用到「{name}」（{label}）：生成的报告会缺少这一项",
        "the template never uses '{name}' ({label}): reports would lack it",
    ),
    "help_template_lint": (
        "检查模板（.docx）：一次列出全部标签错误、未知变量和缺少的内容，指明位置",
        "check a template (.docx): every tag error, unknown variable and missing item, located",
    ),
    "template_ok": ("{file}：模板检查通过", "{file}: the template passed its checks"),
    # --- template adopt ----------------------------------------------------------------------
    "adopt_no_heading": (
        "表格中找不到标题「{heading}」",
        "the form has no heading '{heading}'",
    ),
    "adopt_no_table": (
        "找不到「{table}」部分的表格",
        "the form has no table for '{table}'",
    ),
    "adopt_no_row": (
        "表{table}中找不到「{row}」这一行",
        "table {table} has no row '{row}'",
    ),
    "adopt_no_column": (
        "表{table}中找不到「{column}」这一列",
        "table {table} has no column '{column}'",
    ),
    "adopt_no_title": (
        "在「一、总体情况」之前找不到报告标题（含「年度报告」的段落）",
        "the form has no title (a paragraph with 年度报告) before 一、总体情况",
    ),
    "adopted": (
        "已生成模板 {path}：{count} 处已对应",
        "wrote the template {path}: {count} place{count_s} mapped",
    ),
    "adopt_mapped": ("  已对应：{what}", "  mapped: {what}"),
    "adopt_removed": ("  已删去：{what}", "  removed: {what}"),
    "help_template_adopt": (
        "把省里发的空白表格（.docx，2021 年版格式）转换为 reportkit 模板，保留其字体、列宽和合并单元格",
        "turn a province's blank form (.docx, 2021 format) into a reportkit template, keeping its "
        "fonts, widths and merged cells",
    ),
    # --- report kinds ------------------------------------------------------------------------
    "kind_check": ("{zh}", "{en}"),  # a kind's own check: its message is the kind's
    "kind_check_failed": (
        "检查「{id}」无法进行：{detail}",
        "the check '{id}' could not run: {detail}",
    ),
    "kind_unknown": (
        "没有名为「{kind}」的报告类型；已有：{known}",
        "there is no report kind '{kind}'; the kinds are: {known}",
    ),
    "kind_not_found": (
        "这个文件夹中没有 kind.toml，不是报告类型",
        "this folder has no kind.toml: it is not a report kind",
    ),
    "kind_file": ("kind.toml 有误：{where}：{detail}", "kind.toml is not right: {where}: {detail}"),
    "kind_expected_text": ("应为文字", "expected text"),
    "kind_field_needs_key": ("每个 [[field]] 都要有 key", "each [[field]] needs a key"),
    "kind_field_type": ("type 应为以下之一：{types}", "expected one of {types}"),
    "kind_field_numbers": ("places、min、max 应为数字", "places, min and max are numbers"),
    "kind_check_needs": (
        "每个 [[check]] 都要有 id、expect 和 message",
        "each [[check]] needs id, expect and message",
    ),
    "kind_check_syntax": ("表达式写法有误（{detail}）", "the expression is not right: {detail}"),
    "kind_no_field": ("没有名为「{name}」的字段", "no field {name}"),
    "kind_templates_table": (
        "应为一个表，每行写「语言 = 模板文件」",
        "expected a table: locale = template file",
    ),
    "kind_no_file": ("{folder} 中没有文件 {name}", "no file {name} in {folder}"),
    "kind_key_not_a_key": (
        "{key} 不能作为键：只用字母、数字和 _，各部分以点连接，不以 _ 开头",
        "{key} is not a key: letters, digits and _, parts joined by dots",
    ),
    "kind_key_taken": (
        "{key} 是 reportkit 自己使用的名称，请换一个",
        "{key} is reportkit's own name; choose another",
    ),
    "kind_key_twice": ("{key} 声明了两次", "{key} is declared twice"),
    "kind_key_both": (
        "{key} 和 {other}：同一个键不能既是数字又是表",
        "{key} and {other}: a key cannot be both a figure and a table",
    ),
    "generic_needs_template": (
        '通用类型（kind = "generic"）需要模板：用 --template 指定，或在数据文件中写 template = "…"',
        'the generic kind needs a template: give --template, or write template = "…" in the data',
    ),
    "help_kinds": (
        "列出可用的报告类型（内置的、已安装的、以及附近 kinds/ 文件夹中的）",
        "list the report kinds: built in, installed, and in kinds/ folders nearby",
    ),
    "help_kind": (
        "报告类型（默认：政府信息公开工作年度报告）；reportkit kinds 列出全部",
        "the report kind (default: the 政府信息公开工作年度报告); reportkit kinds lists them",
    ),
    "help_lint_kind": (
        "按哪种报告的变量检查（默认：政府信息公开工作年度报告）；reportkit kinds 列出全部",
        "check against the variables of this report kind (default: the 政府信息公开工作年度报告); "
        "reportkit kinds lists them",
    ),
    "sheet_mixed_kinds": (
        "这个数据文件不是「{kind}」类型的报告：同一个表格只能汇总同一类型的报告",
        "this data file is not a report of the kind {kind}: one sheet holds reports of one kind",
    ),
    "totals_other_kind": (
        "汇总（--totals）只汇总政府信息公开工作年度报告的表格；这些是「{kind}」类型的报告，没有汇总",
        "--totals adds up the tables of the 政府信息公开工作年度报告; these are reports of the kind "
        "{kind}: nothing was added up",
    ),
    "kinds_list": ("可用的报告类型：", "Report kinds:"),
    "metavar_kind": ("类型", "KIND"),
    # --- reading published reports back: import, as-published checks, the 2019 format (issue 12)
    "format_2019_check_only": (
        "这是 2019 年版格式（国办公开办函〔2019〕60号）的报告数据：reportkit 可以校验（reportkit check），"
        "但不能生成 2019 年版的报告文档",
        "this report is in the 2019 format (国办公开办函〔2019〕60号): reportkit checks it "
        "(reportkit check) but cannot render a document in that format",
    ),
    "year_not_2019_format": (
        "报告年度 {found} 不适用 2019 年版格式：该格式用于 2019、2020 年度的报告；"
        '2021 年起用 2021 年版格式（format = "gov-info-disclosure-2021"）',
        "report year {found} does not fit the 2019 format, which is for reports on 2019 and "
        '2020; from 2021 the 2021 format applies (format = "gov-info-disclosure-2021")',
    ),
    "printed_blank": (
        "{count} 个单元格未填写（{columns}）：报告中的数字不能空着，没有的应填 0",
        "{count} cell{count_s} left blank ({columns}): a report prints every figure, 0 where there is none",
    ),
    "at_page": ("（第 {page} 页）", " (page {page})"),
    "import_text_too_large": (
        "文件过大（{size} 字节，网页或文本形式的年度报告远小于 {limit} 字节）：不是一份年度报告",
        "the file is far too large ({size} bytes; a yearly report's page or text is far below "
        "{limit}): it is not a yearly report",
    ),
    "import_too_large": (
        "文件解压后过大（{entries} 个部件，共 {size} 字节），不是一份年度报告，或已损坏",
        "the file unpacks to far too much ({entries} parts, {size} bytes): it is not a "
        "yearly report, or it is damaged",
    ),
    "import_empty": (
        "文件中没有可读的文字（空文件，或没有文字层的扫描件）；请换用报告的 Word 文件、网页或可复制文字的 PDF",
        "the file holds no text that can be read (empty, or a scan without a text layer); use "
        "the report's Word file, web page, or a PDF whose text can be copied",
    ),
    "import_unreadable": (
        "无法读取这个文件（{detail}）：它可能已损坏、加密，或不是扩展名所说的格式",
        "cannot read this file ({detail}): it may be damaged, encrypted, or not what its "
        "extension says",
    ),
    "import_table_missing": (
        "没有找到表{table}（{heading}）",
        "table {table} ({heading}) was not found",
    ),
    "import_suffix": (
        "不能读取 {suffix} 文件：reportkit import 读取 .docx、.pdf、.html、.htm 和 .txt",
        "cannot read a {suffix} file: reportkit import reads .docx, .pdf, .html, .htm and .txt",
    ),
    "import_part_missing": (
        "没有找到「{heading}」这一部分的标题",
        "the heading of part '{heading}' was not found",
    ),
    "import_no_year": (
        "没有找到报告年度（标题中应有如「2024年」）",
        "the report year was not found (the title names it, e.g. 2024年)",
    ),
    "import_no_agency": (
        "没有找到单位名称（标题或落款）",
        "the agency's name was not found (in the title or the signature)",
    ),
    "import_no_date": (
        "没有找到落款日期（报告末尾的「2025年1月20日」）",
        "the report's date was not found (at its end, e.g. 2025年1月20日)",
    ),
    "import_no_signature": (
        "报告末尾没有落款（单位名称）",
        "the report does not end with the agency's name (its signature)",
    ),
    "import_no_fee": (
        "第六部分没有写本年收取的信息处理费（2021 年版格式要求说明）；数据文件中按 0 写入",
        "part 六 does not state the 信息处理费 collected, as the 2021 format asks; 0 was "
        "written in the data file",
    ),
    "import_single_other": (
        "表三的（六）其他处理只有一行（2019 年版格式的写法），2021 年版格式分为 3 项；"
        "数据文件中这一行的数字写在 3.其他，1. 和 2. 按 0 写入，请按实际情况拆分",
        "table 三 prints （六）其他处理 as one row (the 2019 format's way); the 2021 format has "
        "3 rows: the data file puts its figures under 3.其他 and 0 under 1. and 2.; split them "
        "as they were",
    ),
    "printed_mixed_layout": (
        "表三的（六）其他处理只有一行，这是 2019 年版格式的写法；{year} 年度的报告应按 2021 年版格式把（六）分为 3 项",
        "table 三 prints （六）其他处理 as one row, as the 2019 format did; a report on {year} "
        "uses the 2021 format, which splits （六） into 3 rows",
    ),
    "status_passed": ("通过", "passed"),
    "review_empty": (
        "文件夹中没有报告文件（.docx、.pdf、.html、.htm、.txt）",
        "the folder holds no report (.docx, .pdf, .html, .htm, .txt)",
    ),
    "review_report_head": (
        "{agency}（{file}）的报告有以下问题，请修改后重新报送：",
        "The report of {agency} ({file}) has these problems; correct them and send it again:",
    ),
    "review_warning_head": (
        "{agency}（{file}）的报告已通过校验，但有以下问题需要核对：",
        "The report of {agency} ({file}) passed its checks, but check these points:",
    ),
    "help_import": (
        "读取已发布的报告（Word .docx、PDF、网页 .html/.htm、从网页复制的 .txt），写成数据文件：单位、年度、"
        "落款日期、表格数字和各部分正文。",
        "read a published report (Word .docx, PDF, web page .html/.htm, or .txt copied from a "
        "portal) into a data file: agency, year, date, table figures and the text of every part.",
    ),
    "help_import_output": (
        "写入的数据文件（默认：与报告同名，扩展名 .toml）",
        "the data file to write (default: beside the report, with .toml)",
    ),
    "metavar_report": ("报告文件", "REPORT"),
    "import_layout": ("{file}：表格的格式为{layout}", "{file}: its tables are in {layout}"),
    "layout_2021": (
        "2021 年版格式（国办公开办函〔2021〕30号）",
        "the 2021 format (国办公开办函〔2021〕30号)",
    ),
    "layout_2019": (
        "2019 年版格式（国办公开办函〔2019〕60号）",
        "the 2019 format (国办公开办函〔2019〕60号)",
    ),
    "layout_mixed": (
        "2021 年版格式，但表三的（六）其他处理仍是 2019 年版的一行",
        "the 2021 format, but with table 三's （六） 其他处理 still the 2019 format's single row",
    ),
    "imported": (
        "已生成数据文件 {path}：请与原报告核对，然后运行 reportkit check",
        "wrote {path}: compare it with the report, then run reportkit check",
    ),
    "imported_incomplete": (
        "已生成数据文件 {path}，但有 {count} 处未能读出（见上，文件中以注释标出）：补全后运行 reportkit check",
        "wrote {path}, but {count} thing{count_s} could not be read (listed above, marked in the file): "
        "complete them, then run reportkit check",
    ),
    "published_no_fill": (
        "--fill 要写回数据文件，不能用于已发布的报告（.docx、.pdf、.html、.txt）",
        "--fill writes into a data file; it cannot be used on a published report",
    ),
    "help_review": (
        "审核已发布的报告：逐一读取文件夹中的报告（.docx、.pdf、.html、.txt）并按原样校验，"
        "输出汇总表、各报告的问题清单和读出的数据文件",
        "review published reports: read every report in the folder (.docx, .pdf, .html, .txt), "
        "check it as published, and write the summary, a problem list per report and the data "
        "files read",
    ),
    "review_progress": ("正在审核报告", "reviewing reports"),
    "review_done": (
        "共 {total} 份报告：通过 {passed}，未通过 {failed}；汇总表和问题清单在 {folder}",
        "{total} report{total_s}: {passed} passed, {failed} failed; the summary and problem lists are in "
        "{folder}",
    ),
    "import_other_table": (
        "这一部分有一张表格不是表二、三、四（报告自己的表格），其内容未读入数据文件",
        "this part has a table that is not table 二, 三 or 四 (one of the report's own); its "
        "content is not in the data file",
    ),
    "import_row_missing": ("表{table}中没有找到这一行", "this row of table {table} was not found"),
    "import_row_twice": (
        "表{table}中这一行出现了两次，只读了第一次",
        "this row appears twice in table {table}; the first was read",
    ),
    "import_row_count": (
        "表{table}的这一行找到 {found} 个数，应有 {expected} 个：无法确定每个数属于哪一列，未读取",
        "found {found} numbers in this row of table {table}, expected {expected}: which column "
        "each belongs to cannot be told, so the row was not read",
    ),
    "import_cell_unreadable": (
        "「{text}」不是数字，未读取",
        "'{text}' is not a number; not read",
    ),
    "import_appeals_count": (
        "表{table}找到 {found} 个数，应有 {expected} 个（行政复议、未经复议直接起诉、复议后起诉各 5 个）：未读取",
        "found {found} numbers in table {table}, expected {expected} (5 each for 行政复议, "
        "未经复议直接起诉 and 复议后起诉); not read",
    ),
    "printed_zero": (
        "总计印为 0，但各项之和为 {expected}（= {arithmetic}）",
        "the total is printed as 0, but its cells add up to {expected} (= {arithmetic})",
    ),
}


def translate(code: str, lang: str = "zh", **params: Any) -> str:
    """Return the message `code` in `lang`, filled in with `params` (a `Msg` parameter is
    itself translated, an empty one left out; a list parameter is an enumeration, each item
    translated and joined the way `lang` enumerates: 「A、B」, "A, B")."""
    zh, en = CATALOGUE[code]
    text = en if lang == "en" else zh
    if not params:
        return text
    filled = {key: _fill(value, lang) for key, value in params.items()}
    if lang == "en":  # a count's plural ending: "1 error", "2 errors"; "1 agency", "2 agencies"
        for key, value in params.items():
            if isinstance(value, int) and not isinstance(value, bool):
                filled[f"{key}_s"] = "" if value == 1 else "s"
                filled[f"{key}_ies"] = "y" if value == 1 else "ies"
    return text.format(**filled)


# Characters that reorder or hide what a terminal shows (bidirectional overrides, controls):
# a value quoted from a user's file is shown with them named, never obeyed.
_UNSHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _fill(value: Any, lang: str) -> Any:
    if isinstance(value, str):
        return _UNSHOWN.sub(lambda m: f"<U+{ord(m.group()):04X}>", value)
    if isinstance(value, Msg):
        return translate(value.code, lang, **value.params)
    if isinstance(value, list):
        return (", " if lang == "en" else "、").join(str(_fill(item, lang)) for item in value)
    return value


# ---------------------------------------------------------------------------------------------
# click's own words (usage lines, help headings, its errors), in Chinese. click marks them for
# gettext; the CLI hands them to `click_text`. Keys are click's message ids, as written there.

CLICK_ZH: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行「{command} {option}」查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "No such command {name!r}.": "没有「{name}」这个命令。",
    "No such option {name!r}.": "没有「{name}」这个选项。",
    "No such option: {name}": "没有「{name}」这个选项。",
    "Did you mean {possibility}?": "是否应为 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否应为以下之一：{possibilities}？）",
    "Option {name!r} does not take a value.": "选项「{name}」不带值。",
    "Option {name!r} requires an argument.": "选项「{name}」后面要给出一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项「{name}」后面要给出 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对：{message}",
    "Invalid value: {message}": "值不对：{message}",
    "{value} is not in the range {range}.": "{value} 不在允许的范围（{range}）内。",
    "{value!r} is not a valid {number_type}.": "「{value}」不是有效的{number_type}。",
    "integer": "整数",
    "float": "数字",
    "{value!r} is not {choice}.": "「{value}」不是 {choice}。",
    "{value!r} is not one of {choices}.": "「{value}」不是以下之一：{choices}。",
    "{name} {filename!r} does not exist.": "{name}「{filename}」不存在。",
    "{name} {filename!r} is a directory.": "{name}「{filename}」是文件夹。",
    "{name} {filename!r} is a file.": "{name}「{filename}」是文件。",
    "{name} {filename!r} is not readable.": "{name}「{filename}」不可读。",
    "{name} {filename!r} is not writable.": "{name}「{filename}」不可写。",
    "{name} {filename!r} is not executable.": "{name}「{filename}」不可执行。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Could not open file {filename!r}: {message}": "无法打开文件「{filename}」：{message}",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "Show the version and exit.": "显示版本号并退出。",
    "Show this message and exit.": "显示本帮助并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Aborted!": "已中断",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "unknown error": "未知错误",
}


def click_text(lang: str, message: str) -> str:
    """Return one of click's own messages in `lang` (English: as click has it)."""
    if lang == "en":
        return message
    return CLICK_ZH.get(message, message)
