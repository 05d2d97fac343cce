"""The 35 bundles of the seed list, which every catalog must keep.

Source: the attachment of Liaoning's 《深入推进“一件事一次办”工作方案》 (2023-03-20). The coding rule of
docs/catalog.md gives each its code: ``LNYJS`` + the seed's three-digit sequence number. A catalog (shipped or a
signed update) may add bundles; it may not drop or rename one of these.
"""

from __future__ import annotations

from typing import NamedTuple


class SeedBundle(NamedTuple):
    seq: int
    code: str
    name: str


SEED_BUNDLES: tuple[SeedBundle, ...] = (
    SeedBundle(1, "LNYJS001", "新生儿出生"),
    SeedBundle(2, "LNYJS002", "公民婚育"),
    SeedBundle(3, "LNYJS003", "公民身后一件事"),
    SeedBundle(4, "LNYJS004", "公积金提取"),
    SeedBundle(5, "LNYJS005", "公积金贷款结清"),
    SeedBundle(6, "LNYJS006", "军人退役"),
    SeedBundle(7, "LNYJS007", "二手房转移登记及水电气联动过户"),
    SeedBundle(8, "LNYJS008", "普通高校(职业院校)毕业生落户"),
    SeedBundle(9, "LNYJS009", "居住证"),
    SeedBundle(10, "LNYJS010", "养犬证"),
    SeedBundle(11, "LNYJS011", "义务教育入学"),
    SeedBundle(12, "LNYJS012", "律师工作证颁发"),
    SeedBundle(13, "LNYJS013", "律师执业变更"),
    SeedBundle(14, "LNYJS014", "律师事务所(分所)设立"),
    SeedBundle(15, "LNYJS015", "司法鉴定人执业"),
    SeedBundle(16, "LNYJS016", "失业再就业"),
    SeedBundle(17, "LNYJS017", "申请工伤医疗待遇"),
    SeedBundle(18, "LNYJS018", "企业职工退休"),
    SeedBundle(19, "LNYJS019", "灵活就业"),
    SeedBundle(20, "LNYJS020", "扶残助困"),
    SeedBundle(21, "LNYJS021", "申请创业补贴"),
    SeedBundle(22, "LNYJS022", "员工招聘"),
    SeedBundle(23, "LNYJS023", "企业社保缴费"),
    SeedBundle(24, "LNYJS024", "人力资源服务"),
    SeedBundle(25, "LNYJS025", "社会保险关系转移接续"),
    SeedBundle(26, "LNYJS026", "校车使用许可"),
    SeedBundle(27, "LNYJS027", "开药店"),
    SeedBundle(28, "LNYJS028", "开网吧/网咖"),
    SeedBundle(29, "LNYJS029", "开书店"),
    SeedBundle(30, "LNYJS030", "涉企不动产登记"),
    SeedBundle(31, "LNYJS031", "非挖掘类临时占用道路审批"),
    SeedBundle(32, "LNYJS032", "典当行及分支机构的变更注销"),
    SeedBundle(33, "LNYJS033", "企业开办"),
    SeedBundle(34, "LNYJS034", "企业简易注销"),
    SeedBundle(35, "LNYJS035", "企业准营(开饭店)"),
)
