"""Records for the fabricated-record tests and benchmark: a bureau's minutes, ledgers and summaries.

Each series (the leading group's quarterly minutes, a monthly ledger, activity summaries) is
written on the bureau's template: the same header fields, opening, closing and a quote of the
catalogue's own task text. What differs between honest records is their substance — the topics,
decisions, names and figures of that meeting or month (`honest`). A fabricated record is an
earlier one with the dates, the period words and the figures changed (`fabricated`), sometimes
with a few words touched up. All names and numbers are invented.
"""

from __future__ import annotations

import datetime as dt
import random
import re

from credit_check.catalogue import load_catalogue

SUBJECTS = ("法规科", "运输发展中心", "综合行政执法大队", "基础设施建设中心", "办公室", "安全监督科", "路政中队",
            "驾培管理股", "客运站", "维修管理股", "城乡公交公司", "出租车管理所")
ACTIONS = ("汇报了", "通报了", "研究部署了", "讨论了", "审议了", "总结了", "分析了", "安排了", "听取了", "明确了")
OBJECTS = ("双公示数据报送情况", "信用承诺书签订上传进度", "失信联合惩戒对象名单", "信用修复申请办理情况",
           "道路货运企业信用评价结果", "驾培机构信用分级分类监管", "出租车驾驶员服务质量信誉考核",
           "公路养护工程招投标信用查询", "信用交通宣传月活动方案", "诚信典型案例征集", "行政处罚决定书送达情况",
           "信用信息平台数据归集", "重点领域信用监管清单", "从业人员信用档案建设", "网约车平台信用评价",
           "汽车维修企业质量信誉考核", "城市公交服务质量评价", "信用培训计划", "工作专班月度调度",
           "超限超载治理信用惩戒")
DETAILS = ("要求在月底前完成整改", "明确由{s}牵头落实", "提出了三条具体措施", "确定了时间表和责任人",
           "对存在的问题逐条分析了原因", "决定纳入下季度重点工作", "要求每周报送进展", "形成了会议决定事项清单",
           "建议提请局党组研究", "同意按程序报区政府备案", "对{n}家企业进行约谈提醒", "组织{n}名执法人员开展培训",
           "共办理{n}件", "发放宣传资料{n}份", "抽查企业{n}家", "归集数据{n}条")
NAMES = ("张波", "刘佩", "毕瑞卿", "王静", "李强", "赵敏", "孙立", "周杰", "吴昊", "郑芳", "陈晨", "冯雪", "褚红",
         "卫东", "蒋涛", "沈琳", "韩磊", "杨帆", "朱丽", "秦峰")
QUARTERS = "一二三四"

OPENING = ("为深入贯彻落实省交通运输厅关于信用交通县创建工作的部署要求，进一步推动全区交通运输信用体系建设，"
           "{date}，局信用交通县创建工作领导小组召开会议。现将会议主要内容纪要如下：")
CLOSING = ("会议要求，各科室、各单位要进一步提高思想认识，压实工作责任，对照创建任务清单逐项抓好落实，"
           "确保各项任务按时保质完成。特此纪要。")
LEDGER_HEAD = "信用交通县创建工作月度台账\n填报单位：{unit}  填报时间：{date}\n序号 工作任务 完成情况 责任单位 备注\n"


def _catalogue_quote() -> str:
    task = load_catalogue().task("1.4")
    return f"按照创建任务要求：{task.text if task else ''}"


def _sentence(rng: random.Random) -> str:
    detail = rng.choice(DETAILS).format(s=rng.choice(SUBJECTS), n=rng.randint(3, 3000))
    return f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}，{detail}。"


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def minutes(rng: random.Random, day: dt.date, n_items: int = 8, quote: bool = True) -> str:
    """One meeting's minutes on the template: its own topics, decisions, people and figures."""
    quarter = QUARTERS[(day.month - 1) // 3]
    people = "、".join(rng.sample(NAMES, 6))
    head = (f"{day.year}年第{quarter}季度信用交通县创建工作领导小组会议纪要\n会议时间：{_cn_date(day)}\n"
            f"会议地点：局三楼会议室\n主持人：{rng.choice(NAMES)}\n参会人员：{people}\n记录人：{rng.choice(NAMES)}\n")
    body = "\n".join(f"{i + 1}. {_sentence(rng)}" for i in range(n_items))
    return head + OPENING.format(date=_cn_date(day)) + "\n" + (_catalogue_quote() + "\n" if quote else "") + body + "\n" + CLOSING


def ledger(rng: random.Random, day: dt.date, rows: int = 10) -> str:
    unit = rng.choice(SUBJECTS)
    lines = [f"{i + 1} {rng.choice(OBJECTS)} {rng.choice(DETAILS).format(s=rng.choice(SUBJECTS), n=rng.randint(3, 900))} "
             f"{rng.choice(SUBJECTS)} {rng.choice(('已完成', '推进中', '按计划'))}" for i in range(rows)]
    return LEDGER_HEAD.format(unit=unit, date=_cn_date(day)) + "\n".join(lines)


def summary(rng: random.Random, day: dt.date, n_items: int = 6) -> str:
    head = f"{day.year}年{day.month}月信用交通宣传活动总结\n"
    body = "".join(_sentence(rng) for _ in range(n_items))
    return head + f"{_cn_date(day)}，我局组织开展信用交通宣传活动。" + body + "下一步，我局将持续深化信用交通建设，营造诚实守信的良好氛围。"


_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_QUARTER = re.compile(r"第([一二三四])季度")
_NUMBER = re.compile(r"(?<![年月\d])\d{1,4}(?=[家名份件条])")


def fabricated(record: str, rng: random.Random, new_day: dt.date, touch: float = 0.0) -> str:
    """`record` passed off as another date's: its dates, period words and figures changed, and
    `touch` of its sentences slightly reworded."""
    text = _DATE.sub(_cn_date(new_day), record)
    text = _QUARTER.sub(f"第{QUARTERS[(new_day.month - 1) // 3]}季度", text)
    text = _NUMBER.sub(lambda m: str(max(1, int(m.group()) + rng.randint(-20, 40))), text)
    if touch:
        lines = text.split("\n")
        for i in range(len(lines)):
            if rng.random() < touch:
                lines[i] = lines[i].replace("要求", "强调").replace("明确", "确定").replace("讨论了", "研究了")
        text = "\n".join(lines)
    return text
