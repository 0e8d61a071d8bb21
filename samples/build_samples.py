"""Build the bundled sample evidence trees (real PDF, DOCX, XLSX, CSV, PNG and JPEG files).

    python samples/build_samples.py            # rewrites samples/evidence and samples/fraud

`evidence/` is a district's tree in mid-preparation: every task state (met, partial, missing,
unknown) and every finding except fraud. `fraud/` holds the D1 cases (reused, edited and
re-stamped photos, copied text), which disqualify a submission. Nothing here is real: names,
numbers and ID numbers are invented (the ID numbers pass the checksum on purpose, to show D2).
`tests/pipeline/test_samples.py` counts what each tree triggers.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from tests.builders.documents import FONT_PATH, Gongwen, build_docx, build_pdf  # noqa: E402
from tests.builders.photos import PhotoSpec, Stamp, make_photo, resized, stamped_photo  # noqa: E402
from tests.builders.sheets import resident_id, write_csv, write_xlsx  # noqa: E402

T = dt.datetime
SIZE = (1280, 960)
ORGAN = "济南市莱芜区城乡交通运输局"

# Each document says its own thing: identical boilerplate would (rightly) be reported as 雷同.
BODIES: dict[str, tuple[str, ...]] = {
    "关于成立信用交通县创建工作领导小组的通知": (
        "为加强对信用交通县创建工作的组织领导，经局党组研究，决定成立莱芜区信用交通县创建工作领导小组。",
        "领导小组由局主要负责同志任组长，分管负责同志任副组长，机关各科室和局属各单位主要负责人为成员。",
        "领导小组下设工作专班，设在法规科，张波同志任专班负责人，刘佩、毕瑞卿同志为专班成员，负责日常协调推进。"),
    "关于印发《莱芜区城乡交通运输局信用交通县创建工作方案》的通知": (
        "现将《莱芜区城乡交通运输局“信用交通县（市、区）”创建工作方案》印发给你们，请结合工作实际认真抓好贯彻落实。",
        "方案明确了创建工作的时间表、任务分工和责任部门，各单位每月向专班报送进展情况，形成月度工作台账。"),
    "关于印发2024年全区交通运输工作要点的通知": (
        "2024年全区交通运输工作要围绕建设人民满意交通，统筹推进基础设施建设、运输服务提升和行业治理。",
        "深化信用交通县创建，健全以信用为基础的新型监管机制，推进信用评价结果在行政许可和招投标中的应用。",
        "加快农村公路提质增效，完善城乡公交一体化网络，抓好安全生产专项整治三年行动巩固提升。"),
    "关于印发道路货运企业信用评价实施方案的通知": (
        "为规范道路货运市场秩序，决定在全区道路货运领域开展企业信用评价，评价周期为一个自然年度。",
        "评价结果分为AA、A、B、C、D五个等级，经公示无异议后在区政府网站公开，并作为分级分类监管的依据。"),
    "关于将交通运输信用体系建设经费纳入2024年财政预算的通知": (
        "经区政府同意，将交通运输信用体系建设工作经费纳入2024年区级财政预算，专款专用。",
        "经费主要用于信用信息平台维护、信用培训宣传和第三方技术服务，由区财政局按季度拨付。"),
    "关于开展2024年信用交通宣传月活动的通知": (
        "按照省交通运输厅统一部署，定于2024年6月在全区开展信用交通宣传月活动，主题为“信用交通 你我同行”。",
        "各单位要通过进企业、进站场、进驾校等形式开展集中宣传，及时报送活动图片、总结和宣传报道。"),
    "关于开展行业诚信典范培树活动的通知": (
        "为发挥诚信典型示范引领作用，决定在全区交通运输行业开展诚信典范培树活动，评选诚信企业和诚信从业人员。",
        "评选按照企业申报、单位推荐、专班审核、社会公示的程序进行，评选标准另行印发。"),
    "信用交通县创建工作领导小组会议纪要": (
        "会议听取了法规科关于信用交通县创建工作进展情况的汇报，逐项对照创建任务清单查找差距。",
        "会议开展了信用专题学习，传达学习了国家和省关于社会信用体系建设的最新文件精神。"),
    "与市交通运输局共同研究信用交通县建设会议记录": (
        "市交通运输局法规处到我局调研指导信用交通县创建工作，双方就信用数据归集共享和双公示工作进行了会商。",
        "市局对我局信用承诺书上传、信用评价结果公示等工作提出具体要求，明确了下一季度的工作重点。"),
    "信用知识和信用修复专题培训签到表": (
        "培训主题：交通运输行业信用知识和信用修复专题培训。培训对象：辖区道路运输企业负责人和从业人员。",
        "签到：莱芜区安通运输有限公司、莱芜区顺达汽车维修有限公司、莱芜区鹏程驾驶员培训学校等32家企业。"),
    "2024年信用交通宣传月活动总结": (
        "宣传月期间，全区共开展集中宣传活动6场，发放宣传资料3200余份，悬挂条幅20条，覆盖运输企业150余家。",
        "活动通过以案释法、现场答疑等方式，提高了经营主体的诚信意识，取得了良好的社会效果。"),
    "关于推行信用承诺制的宣传告知": (
        "自2024年6月起，行政相对人办理道路运输许可、备案等业务时，应按照省厅模板签订信用承诺书。",
        "信用承诺书将上传至“信用交通·山东”网站并向社会公开，违反承诺的将依法依规纳入失信记录。"),
    "招标投标项目信用报告查询记录": (
        "在2024年度公路养护工程招标中，通过“信用交通·山东”网站查询投标企业的信用评价结果。",
        "信用评价结果作为资格审查和评标的参考，共查询投标企业5家，均无严重失信记录。"),
    "莱芜区开展信用交通宣传月活动": (
        "6月12日，莱芜区城乡交通运输局在汶源大街开展信用交通宣传月集中宣传活动。",
        "活动现场设置咨询台，工作人员向过往群众和运输企业讲解信用修复政策和信用承诺制度。"),
}

NEWS = ("莱芜区交通运输局召开信用交通县创建推进会，部署全年八项重点任务。",
        "区交通运输综合行政执法大队推行“双书同达”，处罚决定书与信用修复告知书同步送达。",
        "莱芜区完成首批道路运输企业信用承诺书签订工作，承诺书全部上传信用交通山东网站。",
        "区运输发展中心在驾培行业推行信用分级分类监管，对AA级驾校减少现场检查频次。",
        "莱芜区开展信用交通宣传月活动，走进十余家运输企业宣讲信用修复政策。",
        "基础设施建设中心将信用评价结果运用于公路养护工程招标，三家失信企业被扣减评标分。",
        "莱芜区交通运输局赴青岛市黄岛区学习信用交通县建设先进经验。",
        "区交通运输局举办信用知识和信用修复专题培训班，三十余家企业参加培训。")


def pdf(path: Path, title: str, date: str, *, number: str | None = "莱芜区交字〔2024〕12号",
        seal: str | None = "image", header: bool = True, layout: str = "standard",
        body: tuple[str, ...] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = body if body is not None else BODIES.get(title, (f"{title}。",))
    build_pdf(path, Gongwen(title=title, date=date, number=number, seal=seal, header=header, layout=layout, body=body))


def plain(path: Path, title: str, date: str, body: tuple[str, ...] | None = None) -> None:
    """A non-issued document: minutes, summaries, news (no red header, no number, no seal)."""
    pdf(path, title, date, number=None, seal=None, header=False, layout="plain", body=body)


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(path, sheets)


def csv(path: Path, rows: list[list[object]], encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(path, rows, encoding=encoding)


def photo(path: Path, when: T, seed: int, **kwargs: object) -> None:
    stamped_photo(path, when, seed=seed, size=SIZE, **kwargs)  # type: ignore[arg-type]


def screenshot(path: Path, lines: list[str]) -> None:
    """A browser screenshot of the government site (PNG, text as pixels)."""
    img = Image.new("RGB", (1200, 700), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 1200, 80), fill=(20, 80, 160))
    font = ImageFont.truetype(FONT_PATH, 30)
    d.text((30, 20), "济南市莱芜区人民政府 www.laiwu.gov.cn", font=font, fill="white")
    for i, line in enumerate(lines):
        d.text((60, 130 + 60 * i), line, font=font, fill=(30, 30, 30))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)


def build_evidence(root: Path) -> None:
    a = root / "一、制度建设"
    pdf(a / "1.1 成立领导小组" / "关于成立信用交通县创建工作领导小组的通知.pdf",
        "关于成立信用交通县创建工作领导小组的通知", "2024年3月5日", number="莱芜区交字〔2024〕8号")
    xlsx(a / "1.1 成立领导小组" / "工作专班人员名单.xlsx", {"专班": [
        ["姓名", "职务", "联系电话"], ["张波", "专班负责人", "138****5678"], ["刘佩", "成员", "139****1234"],
        ["毕瑞卿", "成员", "0634-6221234"]]})
    # 1.2: the plan lacks its seal (D6); monthly ledgers stop in September (partial).
    pdf(a / "1.2 创建工作方案" / "关于印发信用交通县创建工作方案的通知.pdf",
        "关于印发《莱芜区城乡交通运输局信用交通县创建工作方案》的通知", "2024年4月28日",
        number="莱芜区交字〔2024〕19号", seal=None)
    for month in range(1, 10):
        xlsx(a / "1.2 创建工作方案" / "月度台账" / f"2024年{month}月工作台账.xlsx", {"台账": [
            ["序号", "工作任务", "进展情况", "责任单位"], [1, "信用交通县创建", f"{month}月按计划推进", "法规科"]]})
    screenshot(a / "1.2 创建工作方案" / "方案在区政府网站公开截图.png",
               ["莱芜区城乡交通运输局“信用交通县（市、区）”创建工作方案", "发布时间：2024-05-06"])
    (a / "1.3 年度工作要点").mkdir(parents=True, exist_ok=True)
    build_docx(a / "1.3 年度工作要点" / "2024年全区交通运输工作要点.docx",
               Gongwen(title="关于印发2024年全区交通运输工作要点的通知", number="莱芜区交字〔2024〕3号",
                       date="2024年2月1日", body=BODIES["关于印发2024年全区交通运输工作要点的通知"]))
    topics = {"2024-03-20": ("会议研究了创建工作方案初稿，明确由法规科牵头、各科室分工负责，四月底前印发实施。",
                             "会议集中学习了《山东省交通运输信用管理办法》第三章关于信用评价的规定。"),
              "2024-06-18": ("会议听取了上半年信用承诺书签订和上传情况汇报，已签订承诺书216份，上传率百分之百。",
                             "会议部署了信用交通宣传月活动，要求各事业单位每周报送一次活动开展情况。"),
              "2024-09-12": ("会议分析了双公示台账中两起迟报的原因，责成综合执法大队建立公示提醒机制。",
                             "会议专题学习了国家发展改革委关于失信惩戒措施清单的最新规定。")}
    for when, body in topics.items():
        plain(a / "1.4 领导小组会议" / f"{when} 领导小组会议纪要.pdf", "信用交通县创建工作领导小组会议纪要",
              f"{when[:4]}年{int(when[5:7])}月{int(when[8:])}日", body)
    # The fourth meeting's minutes carry no date anywhere: the quarter cannot be confirmed (unknown).
    plain(a / "1.4 领导小组会议" / "领导小组会议纪要（第四次）.pdf", "信用交通县创建工作领导小组会议纪要", "",
          ("会议总结了全年信用交通县创建工作，研究部署迎接省厅评估验收的各项准备工作。",))
    photo(a / "1.4 领导小组会议" / "2024-03-20 会议照片.jpg", T(2024, 3, 20, 9, 32), 11)

    b = root / "二、联动机制"
    liaison = {"2024-04-10": BODIES["与市交通运输局共同研究信用交通县建设会议记录"],
               "2024-10-15": ("市局信用办通报了全市信用交通县创建中期评估情况，我局在双公示及时率方面排名靠前。",
                              "双方商定在机动车维修领域试点信用评价结果互认，年底前完成首批评价。")}
    for when, body in liaison.items():
        plain(b / "2.1 与市局联络" / f"{when} 与市交通运输局会商记录.pdf", "与市交通运输局共同研究信用交通县建设会议记录",
              f"{when[:4]}年{int(when[5:7])}月{int(when[8:])}日", body)
    (b / "2.2 协调机制").mkdir(parents=True, exist_ok=True)

    c = root / "三、信息管理"
    for q, month in enumerate((2, 5, 8, 11)):
        for n in (1, 2):
            plain(c / "3.1 工作信息" / f"2024-{month:02d}-{10 + n} 信用工作信息{q + 1}-{n}.pdf",
                  f"莱芜区交通运输局信用工作信息（{q + 1}-{n}）", f"2024年{month}月{10 + n}日",
                  (NEWS[2 * q + n - 1],))
    xlsx(c / "3.2 信用数据共享" / "2024年机动车维修企业信用数据.xlsx", {"机动车维修": [
        ["企业名称", "统一社会信用代码", "信用等级", "评价年度"],
        ["莱芜区顺达汽车维修有限公司", "91371202MA3C5PXE2X", "AA", 2024]]})

    d = root / "四、信用应用"
    template = ("信用承诺书", "本单位自愿作出以下承诺：严格遵守国家法律法规和规章，依法诚信经营；",
                "所提交的材料真实、有效；如有违反，自愿接受相关部门依法依规作出的失信惩戒。")
    for i, company in enumerate(("莱芜区顺达汽车维修有限公司", "莱芜区鹏程驾驶员培训学校", "莱芜区安通运输有限公司")):
        extra = (f"承诺人：{company}", "日期：2024年6月1日")
        if i == 1:  # a signatory wrote the legal representative's full ID number (D2, internal: warning)
            extra += (f"法定代表人身份证号：{resident_id('370102', dt.date(1980, 5, 17), '032')}",)
        plain(d / "4.1 信用承诺" / "信用承诺书" / f"信用承诺书-{company}.pdf", "信用承诺书", "2024年6月1日",
              template[1:] + extra)
    plain(d / "4.1 信用承诺" / "信用承诺制宣传告知材料.pdf", "关于推行信用承诺制的宣传告知", "2024年5月20日")
    screenshot(d / "4.1 信用承诺" / "承诺书上传信用交通山东网站截图.png", ["信用交通·山东 信用承诺上传", "已上传 3 份"])
    pdf(d / "4.2 信用评价" / "道路货运企业信用评价实施方案.pdf", "关于印发道路货运企业信用评价实施方案的通知",
        "2024年7月2日", number="莱芜区交字[2024]23号")
    xlsx(d / "4.2 信用评价" / "道路货运企业信用评价结果公示名单.xlsx", {"公示名单": [
        ["企业名称", "信用等级", "联系人", "联系电话"],
        ["莱芜区安通运输有限公司", "AA", "王某", "13869312345"],
        ["莱芜区宏远物流有限公司", "A", "李某", "15963412378"]]})
    (d / "4.3 分级分类监管").mkdir(parents=True, exist_ok=True)
    plain(d / "4.4 信用结果应用" / "2024-08-06 招标投标信用查询记录.pdf", "招标投标项目信用报告查询记录",
          "2024年8月6日", ("在公路养护工程招标中查询“信用交通·山东”信用评价结果并应用。",))
    xlsx(d / "4.5 信用修复" / "2024年信用修复与双公示台账.xlsx", {"行政处罚": [
        ["行政相对人名称", "决定文书号", "处罚决定日期", "公示日期"],
        ["莱芜区安通运输有限公司", "莱交执罚〔2024〕101号", dt.date(2024, 4, 1), dt.date(2024, 4, 9)],
        ["莱芜区宏远物流有限公司", "莱交执罚〔2024〕102号", dt.date(2024, 9, 27), dt.date(2024, 10, 14)],
        ["莱芜区顺达汽车维修有限公司", "莱交执罚〔2024〕103号", dt.date(2024, 11, 4), None],
        ["莱芜区鹏程驾驶员培训学校", "莱交执罚〔2024〕104号", dt.date(2024, 2, 5), dt.date(2024, 2, 22)]]})
    csv(d / "4.5 信用修复" / "联合惩戒措施清单.csv", [
        ["序号", "惩戒措施", "设定依据"],
        [1, "限制参与政府采购", "《中华人民共和国政府采购法》第二十二条"],
        [2, "列入重点监管对象，提高检查频次", "国办发〔2019〕35号"],
        [3, "暂停办理所有行政许可", ""],
        [4, "在本局门户网站通报批评", "局党组会议研究决定"]], encoding="gbk")

    e = root / "五、诚信宣传"
    pdf(e / "5.1 宣传月" / "关于开展信用交通宣传月活动的通知.pdf", "关于开展2024年信用交通宣传月活动的通知",
        "2024年5月30日", number="莱芜区交字〔2024〕21号")
    photo(e / "5.1 宣传月" / "照片" / "2024-06-12 宣传月活动现场1.jpg", T(2024, 6, 12, 10, 5), 21)
    photo(e / "5.1 宣传月" / "照片" / "2024-06-12 宣传月活动现场2.jpg", T(2024, 6, 12, 10, 7), 22,
          style="mark", position="bottom-right")
    make_photo(e / "5.1 宣传月" / "照片" / "宣传月活动现场3.jpg",  # no watermark stamp (D7)
               PhotoSpec(seed=23, size=SIZE, taken=T(2024, 6, 12, 10, 9)))
    photo(e / "5.1 宣传月" / "照片" / "微信转发-宣传月活动现场4.jpg", T(2024, 6, 12, 10, 12), 24,
          exif_time=False)  # stamp but EXIF stripped by a chat app (D7 warning)
    photo(e / "5.1 宣传月" / "照片" / "2023年宣传月照片.jpg", T(2023, 6, 14, 15, 0), 25)  # outside the period
    shutil.copyfile(e / "5.1 宣传月" / "照片" / "2024-06-12 宣传月活动现场1.jpg",
                    e / "5.1 宣传月" / "照片" / "2024-06-12 宣传月活动现场1 - 副本.jpg")
    plain(e / "5.1 宣传月" / "信用交通宣传月活动总结.pdf", "2024年信用交通宣传月活动总结", "2024年6月30日")
    plain(e / "5.1 宣传月" / "宣传报道-莱芜区开展信用交通宣传月.pdf", "莱芜区开展信用交通宣传月活动", "2024年6月13日",
          ("6月12日，莱芜区城乡交通运输局在汶源大街开展信用交通宣传月集中宣传活动。",))
    pdf(e / "5.2 诚信典范培树" / "关于开展诚信典范培树活动的通知.pdf", "关于开展行业诚信典范培树活动的通知",
        "2024年8月1日", number="莱芜区交字〔2024〕26号")
    (e / "5.3 一把手谈信用").mkdir(parents=True, exist_ok=True)
    (e / "5.4 主题活动").mkdir(parents=True, exist_ok=True)

    f = root / "六、培训交流"
    plain(f / "6.2 信用知识培训" / "2024-09-20 信用知识培训签到表.pdf", "信用知识和信用修复专题培训签到表", "2024年9月20日")
    photo(f / "6.2 信用知识培训" / "2024-09-20 培训现场.jpg", T(2024, 9, 20, 14, 30), 31, style="daka")

    pdf(root / "加分项" / "B6 经费保障" / "关于将信用体系建设经费纳入财政预算的通知.pdf",
        "关于将交通运输信用体系建设经费纳入2024年财政预算的通知", "2024年1月15日", number="莱芜区财字〔2024〕2号")

    # Disorder (D5) and unreadable files.
    xlsx(root / "进展情况汇总.xlsx", {"汇总": [["任务", "进展"], ["1.1", "已完成"]]})
    (root / "新建文件夹").mkdir(exist_ok=True)
    (root / "五、诚信宣传" / "5.1 宣传月" / "损坏的活动方案.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Cat")


def build_fraud(root: Path) -> None:
    first = root / "5.1 宣传月" / "2024-06-12 活动现场.jpg"
    photo(first, T(2024, 6, 12, 10, 5), 41)
    # The same picture, resized, offered as evidence of another task (D1 reused).
    resized(first, root / "5.4 主题活动" / "2024-09-03 诚信春运活动.jpg", 0.6)
    # EXIF says Photoshop (D1 edited); the stamp and the EXIF clock disagree (D1 stamp-mismatch).
    photo(root / "6.2 信用知识培训" / "2024-09-20 培训现场.jpg", T(2024, 9, 20, 14, 30), 42,
          software="Adobe Photoshop 25.0 (Windows)")
    make_photo(root / "6.2 信用知识培训" / "2024-09-21 现场指导.jpg", PhotoSpec(
        seed=43, size=SIZE, stamp=Stamp(when=T(2024, 9, 21, 9, 0)), taken=T(2024, 9, 22, 16, 45)))
    # A case study copied, nearly word for word, under two tasks (D1 copied).
    case = ("莱芜区城乡交通运输局坚持把信用监管作为提升行业治理能力的重要抓手，创新推出“信易行”应用场景，"
            "对信用等级为AA级以上的道路运输企业在年度审验、路检路查等环节给予便利。",
            "截至2024年10月，全区已有37家企业享受“信易行”激励措施，累计减少现场检查86次，为企业节省成本约42万元。",
            "下一步，我局将持续扩大“信易+”应用范围，推动信用红利惠及更多经营主体。")
    plain(root / "7.3 信易+报道" / "信易行典型案例.pdf", "“信易行”典型场景案例", "2024年10月20日", case)
    plain(root / "5.3 典型案例" / "诚信典型案例.pdf", "诚信典型案例材料", "2024年11月2日",
          (case[0], case[1].replace("37家", "三十七家"), case[2]))
    build_fraud_records(root)


def build_fraud_records(root: Path) -> None:
    """The cases of issue 10 (docs/fraud.md): each is a D1 finding, or must not be one."""
    from tests.builders.photos import draw_stamp, restamped, save_jpeg
    from tests.fraud.scenes import figures, later, meeting, room

    # The 5.1 photo stamped again with another date, cropped by a few percent, filed under 5.2 (D1 reused).
    spec = PhotoSpec(seed=41, size=SIZE, stamp=Stamp(when=T(2024, 6, 12, 10, 5)), taken=T(2024, 6, 12, 10, 5))
    tmp = root / "5.2 诚信典范" / "tmp.jpg"
    restamped(spec, tmp, T(2024, 10, 18, 15, 20))
    with Image.open(tmp) as im:
        w, h = im.size
        again = im.convert("RGB").crop((int(w * 0.05), int(h * 0.03), w - int(w * 0.02), h))
    tmp.unlink()
    save_jpeg(again, root / "5.2 诚信典范" / "2024-10-18 评选活动现场.jpg")
    # The second quarter's minutes: the first quarter's with the dates changed (D1 fabricated).
    body = ("会议听取了法规科关于一季度双公示数据报送和信用承诺书签订情况的汇报，对照创建任务清单逐项查找差距。",
            "会议研究了驾培行业信用分级分类监管方案，决定由运输发展中心牵头，四月底前完成对全区12家驾校的首次评价。",
            "会议要求执法大队落实“双书同达”，处罚决定书与信用修复告知书同步送达，每月向专班报送送达情况。",
            "会议开展了信用专题学习，传达学习了《山东省交通运输信用管理办法》，参会人员逐条讨论了本单位的落实措施。")
    plain(root / "1.4 领导小组会议" / "2024-03-20 第一季度领导小组会议纪要.pdf", "第一季度领导小组会议纪要",
          "2024年3月20日", body)
    plain(root / "1.4 领导小组会议" / "2024-06-18 第二季度领导小组会议纪要.pdf", "第二季度领导小组会议纪要",
          "2024年6月18日", tuple(b.replace("一季度", "二季度").replace("四月底", "七月底").replace("12家", "15家")
                                for b in body))
    # The same room, banner and seat at two other meetings (other people): hashes close, not reuse.
    base = room(961, SIZE)
    for folder, day, people, shift in (("1.4 领导小组会议", T(2024, 9, 12, 9, 30), 2, False),
                                       ("2.1 与市局共同研究", T(2024, 12, 10, 9, 30), 9, True)):
        img = meeting(base, figures(people, base.size, 4))
        img = later(img, 3) if shift else img
        draw_stamp(img, Stamp(when=day))
        save_jpeg(img, root / folder / f"{day:%Y-%m-%d} 会场.jpg")
    # Joint meetings with the city bureau evidenced only by stamped photos: partial credit (2.1).
    for day, seed in ((T(2024, 3, 28, 14, 0), 51), (T(2024, 6, 26, 14, 0), 52), (T(2024, 9, 25, 14, 0), 53)):
        photo(root / "2.1 与市局共同研究" / f"{day:%Y-%m-%d} 联席会议.jpg", day, seed)
    # A revised draft beside its original: a duplicate version (D5), not fraud.
    plan = ("为推动信用交通县创建工作，制定本宣传方案。宣传月期间，各单位要通过进企业、进站场、进驾校等形式开展集中宣传。",
            "法规科负责统筹协调，运输发展中心负责驾培和维修行业宣传，执法大队负责路检路查中的宣传告知。",
            "各单位于活动结束后五个工作日内报送活动总结、图片和宣传报道。")
    plain(root / "5.1 宣传月" / "宣传月活动方案.pdf", "信用交通宣传月活动方案", "2024年5月20日", plan)
    plain(root / "5.1 宣传月" / "宣传月活动方案（修改稿）.pdf", "信用交通宣传月活动方案", "2024年5月28日",
          (*plan[:2], plan[2].replace("五个工作日", "七个工作日")))


def main() -> None:
    for name, build in (("evidence", build_evidence), ("fraud", build_fraud)):
        target = HERE / name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        build(target)
        for folder in [p for p in target.rglob("*") if p.is_dir() and not any(p.iterdir())]:
            (folder / ".gitkeep").touch()  # git keeps no empty folders; audits ignore .gitkeep
        count = sum(1 for p in target.rglob("*") if p.is_file())
        print(f"{target}: {count} files")


if __name__ == "__main__":
    main()
