"""The closed code lists of facts and decisions (VOCABULARY.md), each code with its Chinese term.

The declaration order of `Measure` is the law's order of the six on-site measures, and the
declaration order of `Penalty` is its severity order: both are used, once, from here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Code(StrEnum):
    """A vocabulary code: its value is the public JSON code, `zh` the Chinese term."""

    zh: str
    en: str
    order: int

    def __new__(cls, code: str, zh: str, en: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.zh = zh
        member.en = en
        member.order = len(cls._member_names_)  # declaration order, fixed at class creation
        return member

    def __str__(self) -> str:
        return str(self.value)

    @property
    def label(self) -> str:
        """`中文 (English)`, the form legal staff read."""
        return f"{self.zh} ({self.en})"

    @classmethod
    def parse(cls, code: str) -> Self:
        """The member for a JSON code; `ValueError` for an unknown one."""
        return cls(code)  # type: ignore[call-arg]

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def names(cls) -> dict[str, str]:
        """Code → Chinese term, for did-you-mean suggestions and listings."""
        return {member.value: member.zh for member in cls}

    @classmethod
    def rank(cls, member: Self) -> int:
        """Position in declaration order (the law's order, or severity order)."""
        return member.order


class Measure(Code):
    """The six on-site measures (现场处理措施), in the law's order."""

    CORRECT_ON_SITE = ("correct_on_site", "当场予以纠正", "correct on the spot")
    CORRECT_BY_DEADLINE = (
        "correct_by_deadline",
        "责令限期改正、责令限期达到要求",
        "order correction by a deadline",
    )
    STOP_IMMEDIATELY = (
        "stop_immediately",
        "责令立即停止作业（施工）、立即停止使用、立即排除事故隐患",
        "order an immediate stop or immediate elimination of the hazard",
    )
    WITHDRAW_WORKERS = ("withdraw_workers", "责令从危险区域撤出作业人员", "withdraw workers")
    SUSPEND_TEMPORARILY = (
        "suspend_temporarily",
        "责令暂时停产停业、停止建设、停止施工或者停止使用",
        "temporary suspension of production, business, building or use",
    )
    OTHER_LAWFUL_MEASURE = (
        "other_lawful_measure",
        "依法应当采取的其他现场处理措施（如查封、扣押）",
        "other measure required by law (sealing, seizing)",
    )


class Penalty(Code):
    """Administrative penalty categories, mildest first (the severity order)."""

    WARNING = ("warning", "警告", "warning")
    FINE = ("fine", "罚款", "fine")
    CONFISCATION = ("confiscation", "没收违法所得、非法财物", "confiscation")
    SUSPENSION_FOR_RECTIFICATION = (
        "suspension_for_rectification",
        "责令停产停业整顿",
        "suspension of production and business for rectification",
    )
    SUSPENSION = (
        "suspension",
        "责令停产停业、停止建设、停止施工",
        "suspension of production, business or construction",
    )
    LICENSE_REVOCATION = (
        "license_revocation",
        "暂扣或者吊销许可证、撤销资格",
        "suspension or revocation of licences or qualifications",
    )
    CLOSURE = ("closure", "关闭（报本级人民政府决定）", "closure (decided by the government)")
    REFERRAL = ("referral", "移送（拘留等由其他机关决定）", "referral to another authority")


class FineTarget(Code):
    UNIT = ("unit", "生产经营单位", "the unit")
    PRINCIPAL = ("principal", "主要负责人", "the principal person")
    RESPONSIBLE_PERSONS = (
        "responsible_persons",
        "直接负责的主管人员和其他直接责任人员",
        "persons directly responsible",
    )
    INVESTOR = ("investor", "个人经营的投资人", "the individual investor")

    @property
    def is_individual(self) -> bool:
        """Procedure thresholds distinguish units from natural persons."""
        return self is not FineTarget.UNIT


class Hazard(Code):
    """Accident hazard found with the violation, mildest first."""

    NONE = ("none", "无事故隐患", "no hazard")
    GENERAL = ("general", "一般事故隐患", "general accident hazard")
    MAJOR = ("major", "重大事故隐患", "major accident hazard")


class AccidentGrade(Code):
    """生产安全事故的等级 (Order 493 Art. 3), mildest first."""

    GENERAL = ("general", "一般事故", "general accident")
    LARGER = ("larger", "较大事故", "larger accident")
    MAJOR = ("major", "重大事故", "major accident")
    EXTRAORDINARY = ("extraordinary", "特别重大事故", "extraordinarily serious accident")


class LicenceStatus(Code):
    """The unit's licence for a licence-based activity (hazardous chemicals, fireworks)."""

    VALID = ("valid", "持有有效许可证", "valid licence")
    NONE = ("none", "未取得许可证", "no licence")
    EXPIRED = ("expired", "许可证已过期", "licence expired")
    OUT_OF_SCOPE = ("out_of_scope", "超出许可范围", "outside the licensed scope")


class Sector(Code):
    HAZARDOUS_CHEMICALS = ("hazardous_chemicals", "危险化学品", "hazardous chemicals")
    FIREWORKS = ("fireworks", "烟花爆竹", "fireworks")
    GAS = ("gas", "燃气", "gas")
    MINING = ("mining", "矿山", "mining")
    METAL_SMELTING = ("metal_smelting", "金属冶炼", "metal smelting")
    CONSTRUCTION = ("construction", "建筑施工", "construction")
    DEMOLITION = ("demolition", "拆除（拆迁）", "demolition")
    ROAD_TRANSPORT = ("road_transport", "道路运输", "road transport")
    CROWDED_PLACE = ("crowded_place", "人员密集场所", "crowded place")
    PUBLIC_ENTERTAINMENT = ("public_entertainment", "公共娱乐场所", "public entertainment venue")
    CATERING = ("catering", "餐饮", "catering")
    MANUFACTURING = ("manufacturing", "制造业", "manufacturing")
    OTHER = ("other", "其他", "other")


class Section(Code):
    SUPERVISION_1 = ("supervision_1", "监管一科", "supervision section 1")
    SUPERVISION_2 = ("supervision_2", "监管二科", "supervision section 2")
    UNASSIGNED = ("unassigned", "未分配", "unassigned")


class Circumstance(Code):
    MINOR_VIOLATION = ("minor_violation", "违法行为轻微", "minor violation")
    CORRECTED_PROMPTLY = ("corrected_promptly", "及时改正", "corrected promptly")
    FIRST_OFFENCE = ("first_offence", "初次违法", "first offence")
    MINOR_HARM = ("minor_harm", "危害后果轻微", "minor harm")
    COERCED = ("coerced", "受他人胁迫或者诱骗", "coerced or deceived")
    REDUCED_HARM_ACTIVELY = (
        "reduced_harm_actively",
        "主动消除或者减轻违法行为危害后果",
        "actively eliminated or reduced the harm",
    )
    MERITORIOUS_SERVICE = ("meritorious_service", "配合查处有立功表现", "meritorious cooperation")
    CONFESSED_UNKNOWN_VIOLATION = (
        "confessed_unknown_violation",
        "主动供述行政机关尚未掌握的违法行为",
        "confessed a violation unknown to the authority",
    )
    NO_FAULT = ("no_fault", "没有主观过错", "no subjective fault")


class Procedure(Code):
    SUMMARY = ("summary", "简易程序", "summary procedure")
    GENERAL = ("general", "一般程序", "general procedure")
    SUMMARY_IF_FINE_WITHIN = (
        "summary_if_fine_within",
        "罚款不超过简易程序限额的，可以适用简易程序",
        "summary procedure open if the fine imposed stays within its limits",
    )


class Hearing(Code):
    REQUIRED = ("required", "应当告知听证权利", "hearing right must be notified")
    IF_FINE_REACHES = (
        "if_fine_reaches",
        "罚款达到较大数额时告知听证权利",
        "hearing right if the fine reaches the large-fine threshold",
    )
    NO = ("no", "无需告知听证", "no hearing")


class PenaltyAdjustment(Code):
    """Mildest first; `time_barred` and `exempt` both leave no penalty, for different reasons."""

    NONE = ("none", "无", "none")
    LIGHTER = ("lighter", "从轻处罚", "lighter penalty")
    MITIGATED = ("mitigated", "减轻处罚", "mitigated penalty")
    EXEMPT = ("exempt", "不予处罚", "no penalty")
    TIME_BARRED = ("time_barred", "超过追责时效，不再给予行政处罚", "time-barred: no penalty")


class PenaltyBasis(Code):
    """Why a decision's penalties are what they are (never an empty list without a reason)."""

    DECIDED = ("decided", "依所引条款决定", "decided under the cited provision")
    REFERRED = (
        "referred",
        "依照有关法律、行政法规的规定予以处罚",
        "the provision refers the penalty to another instrument",
    )
    NO_PROVISION = ("no_provision", "该版本无罚则", "the version has no penalty provision")
    CORRECTION_FIRST = (
        "correction_first",
        "首次发现仅责令改正",
        "the first finding carries only an order to correct",
    )
    NOT_COMPETENT = ("not_competent", "由其他机关处理", "another authority decides")


class Authority(Code):
    """Authorities other than the bureau that decide some findings, or parts of them."""

    FIRE_RESCUE = ("fire_rescue", "消防救援机构", "fire and rescue services")
    MARKET_REGULATION = ("market_regulation", "市场监督管理部门", "market regulation")
    HOUSING_CONSTRUCTION = (
        "housing_construction",
        "住房和城乡建设主管部门",
        "housing and construction authority",
    )
    PUBLIC_SECURITY = ("public_security", "公安机关", "public security")
    LICENCE_ISSUER = ("licence_issuer", "原发证机关", "the licence-issuing authority")
    PEOPLE_GOVERNMENT = ("people_government", "县级以上人民政府", "the people's government")


#: Fact fields as legal staff name them (中文, English): conditions and facts are shown in words.
FACT_FIELDS: dict[str, tuple[str, str]] = {
    "kind": ("违法行为", "violation"),
    "occurred_on": ("违法行为发生日期", "occurred on"),
    "discovered_on": ("发现日期", "discovered on"),
    "decided_on": ("作出处罚决定日期", "decided on"),
    "sector": ("行业", "sector"),
    "hazard": ("事故隐患", "accident hazard"),
    "correctable_on_site": ("能够当场纠正", "correctable on site"),
    "activity_ongoing": ("违法作业正在进行", "unlawful activity ongoing"),
    "workers_in_danger": ("作业人员处于危险区域", "workers in the danger area"),
    "safety_assured": ("能够保证安全", "safety assured"),
    "nonconforming_equipment": (
        "设施、设备、器材不符合国家标准或者行业标准",
        "nonconforming facilities or equipment",
    ),
    "overdue": ("逾期未改正", "overdue"),
    "serious": ("情节严重", "serious"),
    "fined_and_refuses": ("受到罚款处罚后拒不改正", "fined and still refuses"),
    "illegal_income_yuan": ("违法所得", "illegal income"),
    "harmful_consequences": ("造成危害后果", "harmful consequences"),
    "circumstances": ("从轻、减轻、不予处罚情节", "circumstances"),
    "ref": ("调用方编号", "caller's reference"),
    "instances": ("违法行为涉及的处数、人次或台（套）数", "places, persons or items concerned"),
    "employees": ("从业人员人数", "the unit's headcount"),
    "duration_days": ("违法行为持续天数", "days the violation lasted"),
    "repeat_offence": ("在规定期限内再次违反", "repeated within the benchmark's period"),
    "corrected_before_decision": ("作出处罚决定前已改正", "corrected before the decision"),
    "discovered_after_full_years": (
        "自违法行为发生至被发现已满（年）",
        "full years from occurrence to discovery",
    ),
    "licence_status": ("许可证状况", "licence status"),
    "especially_serious": ("情节特别严重", "especially serious"),
    "deaths": ("死亡人数", "deaths"),
    "serious_injuries": (
        "重伤（包括急性工业中毒）人数",
        "serious injuries (incl. acute poisoning)",
    ),
    "direct_loss_yuan": ("直接经济损失（元）", "direct economic loss (yuan)"),
    "annual_income_yuan": ("上一年年收入（元）", "previous year's annual income (yuan)"),
    "accident_grade": ("事故等级", "accident grade"),
    "stated_accident_grade": ("认定的事故等级", "accident grade as stated"),
    "grade_by_numbers": ("按伤亡和损失达到的事故等级", "grade the casualties and loss reach"),
}
