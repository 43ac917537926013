//! The Chinese names of the fields and arguments a form or a request names, so that a message
//! about a field names it as the form does.

/// (GraphQL field or argument, its Chinese name).
const FIELDS: &[(&str, &str)] = &[
    ("action", "办理事项"),
    ("activities", "开展业务活动情况"),
    ("address", "住所"),
    ("after", "翻页位置"),
    ("age", "年龄"),
    ("annualOutpatientVisits", "年门急诊人次"),
    ("annualReport", "年度报告"),
    ("appointedOn", "任职日期"),
    ("approvedOn", "批准日期"),
    ("arrival", "人员入编"),
    ("asOf", "查询日期"),
    ("attachments", "附件"),
    ("awards", "受奖惩情况"),
    ("baseFiscal", "周转池财政拨款基数"),
    ("baseTotal", "周转池基数"),
    ("baseYear", "基准年度"),
    ("basis", "用编类型"),
    ("beds", "编制床位"),
    ("boarders", "寄宿生数"),
    ("borrowingSectors", "可借用行业"),
    ("capShare", "上限比例"),
    ("category", "类别"),
    ("children", "在园幼儿数"),
    ("classes", "班数"),
    ("classification", "分类"),
    ("code", "代码"),
    ("count", "数量"),
    ("creditCode", "统一社会信用代码"),
    ("decidedOn", "决定日期"),
    ("decision", "决定"),
    ("defaultTermMonths", "默认期限（月）"),
    ("degree", "学位"),
    ("departmentId", "主管部门"),
    ("departure", "人员出编"),
    ("description", "说明"),
    ("destinations", "人员去向"),
    ("digits", "显示的身份证号末位数"),
    ("direction", "方向"),
    ("documentNo", "文号"),
    ("donations", "接受捐赠资助及使用情况"),
    ("dryRun", "预览"),
    ("duty", "职务"),
    ("education", "学历"),
    ("effectiveOn", "生效日期"),
    ("endedOn", "结束日期"),
    ("enteredEstablishmentOn", "入编日期"),
    ("establishedOn", "成立日期"),
    ("establishment", "编制"),
    ("ethnicity", "民族"),
    ("excellentThreshold", "优秀分数线"),
    ("expiresOn", "有效期至"),
    ("facts", "变更事项"),
    ("field", "字段"),
    ("first", "每页条数"),
    ("fiscal", "财政拨款编制"),
    ("fiscalCeiling", "财政拨款编制控制数"),
    ("fiscalPeople", "财政供养人数"),
    ("fromInstitutionId", "调出单位"),
    ("funding", "经费来源"),
    ("fundingForm", "经费形式"),
    ("goodThreshold", "良好分数线"),
    ("grade", "等级"),
    ("group", "评价主体"),
    ("halfDay", "半日制"),
    ("head", "单位负责人"),
    ("hireDate", "进人日期"),
    ("id", "编号"),
    ("inEstablishment", "年末在编人数"),
    ("indicatorCode", "指标代码"),
    ("institutionFacts", "单位信息变更"),
    ("institutionId", "单位"),
    ("institutionIds", "单位"),
    ("internalBodies", "内设机构"),
    ("jurisdiction", "行政区划"),
    ("kind", "类型"),
    ("leadershipPosts", "领导职数"),
    ("legalPerson", "是否法人"),
    ("legalRepresentative", "法定代表人"),
    ("lentOn", "借出日期"),
    ("level", "机构规格"),
    ("litigation", "涉及诉讼情况"),
    ("managementMode", "管理方式"),
    ("maxScore", "最高分"),
    ("memberId", "评价委员"),
    ("minScore", "最低分"),
    ("minVacantMonths", "最短空编月数"),
    ("name", "名称"),
    ("nationalId", "身份证号"),
    ("netAssetsEnd", "年末净资产"),
    ("netAssetsStart", "年初净资产"),
    ("newTarget", "新设单位"),
    ("note", "备注"),
    ("number", "编号"),
    ("offset", "起始位置"),
    ("openedOn", "开始日期"),
    ("ownPlan", "本级核准的用编计划"),
    ("paidByBudget", "财政供养"),
    ("parentCode", "上级行政区划代码"),
    ("passThreshold", "合格分数线"),
    ("password", "密码"),
    ("people", "人员"),
    ("person", "人员"),
    ("personFacts", "人员信息变更"),
    ("place", "地点"),
    ("planId", "用编计划"),
    ("politicalStatus", "政治面貌"),
    ("populationServed", "服务人口"),
    ("postGrade", "岗位等级"),
    ("postList", "岗位清单"),
    ("postTitle", "岗位名称"),
    ("posts", "岗位"),
    ("pupilsJunior", "初中在校生数"),
    ("pupilsPrimary", "小学在校生数"),
    ("pupilsSenior", "高中在校生数"),
    ("purpose", "用途"),
    ("qualifications", "任职条件"),
    ("reason", "事由"),
    ("recruitment", "进人方式"),
    ("responsibilities", "主要职责"),
    ("retirementBasis", "提前退休依据"),
    ("role", "角色"),
    ("roundId", "评价轮次"),
    ("scores", "评分"),
    ("search", "搜索词"),
    ("secondedTo", "借调单位"),
    ("secondment", "借调"),
    ("sector", "行业"),
    ("sectors", "行业"),
    ("selfFinanced", "自收自支编制"),
    ("setId", "指标体系"),
    ("slots", "编制数"),
    ("sourceIds", "被合并单位"),
    ("sparse", "地广人稀"),
    ("staffId", "人员"),
    ("startedOn", "开始日期"),
    ("status", "状态"),
    ("subject", "账户"),
    ("suppressionThreshold", "小数隐藏门槛"),
    ("target", "目标数"),
    ("targetId", "并入单位"),
    ("termMonths", "期限（月）"),
    ("title", "职务名称"),
    ("titleLevel", "职称"),
    ("toInstitutionId", "调入单位"),
    ("toJurisdiction", "调入地区"),
    ("totalCeiling", "编制总量控制数"),
    ("totalEstablishment", "编制总量"),
    ("until", "截止日期"),
    ("username", "用户名"),
    ("value", "分值"),
    ("village", "村小、教学点"),
    ("weight", "权重"),
    ("weights", "权重"),
    ("workStartedOn", "参加工作时间"),
    ("year", "年度"),
    ("years", "年数"),
];

/// The Chinese name of a field or argument, if it has one.
pub fn field_zh(field: &str) -> Option<&'static str> {
    FIELDS.iter().find(|(f, _)| *f == field).map(|(_, zh)| *zh)
}

#[cfg(test)]
mod tests {
    /// Every field of every input type the schema declares has its Chinese name, so a message
    /// about it can name it.
    #[test]
    fn every_input_field_has_a_chinese_name() {
        let sdl = include_str!("../../schema.graphql");
        let (mut inside, mut described) = (false, false);
        let mut missing = Vec::new();
        for line in sdl.lines() {
            let line = line.trim();
            if line.starts_with("\"\"\"") {
                let one_line = line.len() > 6 && line.ends_with("\"\"\"");
                described ^= !one_line;
            } else if described || line.starts_with('"') {
            } else if line.starts_with("input ") {
                inside = true;
            } else if line == "}" {
                inside = false;
            } else if inside {
                let Some((field, _)) = line.split_once(':') else { continue };
                if super::field_zh(field.trim()).is_none() {
                    missing.push(field.trim().to_string());
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "input fields without a Chinese name: {missing:?}");
    }
}
