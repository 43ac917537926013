//! The catalogue of the API's messages: each English detail a service or resolver answers with,
//! as a template (`{}` where a value goes), and its Chinese (`{}` takes the values in order,
//! `{0}`…`{9}` a given one; a value that is one of the product's words is put in Chinese). A test
//! reads every message in the source and fails when one is missing here or reads English.

/// (English template, Chinese template).
pub(super) const MESSAGES: &[(&str, &str)] = &[
    // Jurisdictions and their departments
    ("jurisdiction {} already exists", "行政区划{}已存在"),
    ("jurisdiction {} does not exist", "行政区划{}不存在"),
    (
        "jurisdiction {} does not exist: create it first (`api init --jurisdiction {}`)",
        "行政区划{}不存在：请先创建（`api init --jurisdiction {}`）",
    ),
    ("parent jurisdiction {} does not exist", "上级行政区划{}不存在"),
    ("a {} cannot sit below a {}", "{}不能设在{}之下"),
    ("a functional zone's code starts as its parent's: {} under {}", "功能区代码须以上级代码开头：{}不在{}之下"),
    ("in the national division table {} is a {}", "国家行政区划代码表中{}是{}"),
    ("in the national division table {} {} sits under {}, not {}", "国家行政区划代码表中{}（{}）隶属{}，而不是{}"),
    ("the official name of {} is {}", "{}的规范名称是{}"),
    (
        "{} is not in the national division table ({}); a functional zone (开发区, 新区) outside it is created by its \
         parent's decision: give `documentNo`",
        "{}不在国家行政区划代码表中（{}）；表外的功能区（开发区、新区）须依上级决定设立，请填写文号",
    ),
    ("division code `{}` must be six digits (GB/T 2260)", "行政区划代码{}应为6位数字（GB/T 2260）"),
    ("department `{}` already exists", "主管部门“{}”已存在"),
    ("department {} does not belong to jurisdiction {}", "主管部门{}不属于行政区划{}"),
    ("department {} does not belong to the institution's jurisdiction", "主管部门{}不属于该单位所在的行政区划"),
    ("department {} does not exist in jurisdiction {}", "行政区划{1}中没有主管部门{0}"),
    ("department {} is not in the institution's jurisdiction", "主管部门{}不在该单位所在的行政区划"),
    ("department {} is not in the round's jurisdiction", "主管部门{}不在本轮评价的行政区划"),
    ("code {} is department `{}`'s", "代码{}已属于主管部门“{}”"),
    ("{} is required", "{}必须填写"),
    ("{} is longer than 200 characters", "{}最多200个字符"),
    // Accounts
    ("a DEPARTMENT account names its department", "主管部门账户须指定所属部门"),
    ("an INSTITUTION account names its institution", "事业单位账户须指定所属单位"),
    (
        "`role` is STAFFING_OFFICE, DEPARTMENT, INSTITUTION or EVALUATOR",
        "角色须为机构编制部门、主管部门、事业单位或评价委员",
    ),
    ("unknown role `{}`", "未知的角色“{}”"),
    ("the user name {} is taken", "用户名{}已被使用"),
    ("`digits`: from 0 to 4", "显示的身份证号末位数须为0至4位"),
    // Institutions
    ("institution `{}` is no longer active", "单位“{}”已撤销或合并"),
    ("institution {} does not belong to jurisdiction {}", "单位{}不属于行政区划{}"),
    ("institution {} does not exist in jurisdiction {}", "行政区划{1}中没有单位{0}"),
    ("credit code {} is already registered", "统一社会信用代码{}已经登记"),
    ("credit code `{}` must have 18 characters", "统一社会信用代码{}应为18位"),
    ("credit code `{}` fails its check character (GB 32100-2015)", "统一社会信用代码{}的校验码不正确（GB 32100-2015）"),
    (
        "a legal person (法人) has a unified social credit code; only a unit that is not one may go without",
        "法人单位须有统一社会信用代码，仅非法人单位可不填",
    ),
    ("an institution named {} without a credit code is already registered here", "本辖区已登记无代码的同名单位：{}"),
    ("`establishedOn` is in the future", "成立日期晚于今天"),
    ("responsibilities must not be empty", "主要职责不能为空"),
    ("internal body names must not be empty", "内设机构名称不能为空"),
    ("a leadership post needs a title and a count from 1 to 50", "领导职数须填写职务名称和1至50的数量"),
    ("`{}` is not one of the institution's approved leadership posts", "“{}”不是该单位核定的领导职务"),
    (
        "all {} approved `{}` posts are held ({} leaders): 领导职数 are never exceeded",
        "核定的{0}个“{1}”职数已全部配备（现有{2}人）：不得超职数配备",
    ),
    ("a leader is an active member of the institution's own staff", "领导须为本单位在职人员"),
    ("the person already holds a leadership post here", "该人员已在本单位担任领导职务"),
    (
        "level, funding form, management mode, responsibilities, internal bodies and leadership posts change only by a \
         recorded decision with its document number: use decideDeterminations",
        "机构规格、经费形式、管理方式、主要职责、内设机构和领导职数只能依有文号的决定调整：请办理“三定”调整",
    ),
    ("only an active institution's determinations change", "只能调整存续单位的“三定”"),
    ("only an active institution can be classified", "只能对存续单位进行分类"),
    ("the institution is already classified {}", "该单位已分类为{}"),
    ("give at least one of `address`, `legalRepresentative`, `head`", "请至少填写住所、法定代表人或单位负责人中的一项"),
    ("`address`: 1 to {} characters", "住所须为1至{}个字符"),
    ("`facts` gives nothing to record", "变更事项中没有需要登记的内容"),
    ("the decision changes nothing", "该决定没有改变任何事项"),
    // Establishment
    ("establishment figures must be whole numbers from 0 to 100000", "编制数须为0至100000的整数"),
    ("figures must be whole numbers from 0 to 10000000", "数值须为0至10000000的整数"),
    ("`slots` is from 0 to 100000", "编制数须为0至100000"),
    ("`slots` must be a whole number from 1 to 100000", "编制数须为1至100000的整数"),
    ("`slots` must be from 1 to 10000", "编制数须为1至10000"),
    ("`slots` must be from 1 to {}", "编制数须为1至{}"),
    ("an initial establishment needs at least one slot", "初次核定编制至少1个"),
    (
        "the institution's establishment is already set; change it through establishment events",
        "该单位已核定编制，请通过编制事项调整",
    ),
    (
        "no vacant {} slot: the institution's approved establishment is full (occupied + frozen >= approved)",
        "没有{}空编：该单位核定编制已满（实有人员与冻结编制之和已达核定数）",
    ),
    (
        "only frozen slots can be unfrozen: fewer than {} {} slots are frozen",
        "只能解冻已冻结的编制：冻结的{1}编制不足{0}个",
    ),
    (
        "only vacant, unfrozen slots can be taken: fewer than {} {} slots are vacant and unfrozen",
        "只能核减未冻结的空编：未冻结的{1}空编不足{0}个",
    ),
    ("the reserve holds fewer than {} {} slots", "收回待分配的{1}编制不足{0}个"),
    ("establishment is transferred (划转) within one jurisdiction", "编制划转限于同一行政区划内"),
    ("a transfer needs two different institutions", "划转须在两个不同的单位之间"),
    (
        "a fully appropriated unit holds no self-financed slots, and this one holds {}: convert them first",
        "全额拨款单位不应有自收自支编制，该单位现有{}个：请先转换",
    ),
    (
        "a self-financed unit holds no fiscally funded slots, and this one holds {}: convert them by establishment events \
         (reduce fiscal, approve self-financed) before the decision",
        "自收自支单位不应有财政拨款编制，该单位现有{}个：请在作出决定前通过编制事项转换（核减财政拨款编制、核定自收自支编制）",
    ),
    ("document number (文号) is required", "须填写文号"),
    ("document number (文号) is longer than 100 characters", "文号最多100个字符"),
    ("a reason is required", "须填写事由"),
    ("the reason is longer than 1000 characters", "事由最多1000个字符"),
    ("`reason` is longer than 200 characters", "事由最多200个字符"),
    ("`approvedOn` is in the future", "批准日期晚于今天"),
    ("`decidedOn` is in the future", "决定日期晚于今天"),
    ("`effectiveOn` is in the future", "生效日期晚于今天"),
    ("the date is in the future", "日期晚于今天"),
    // Control ceilings and figures (两个只减不增, 下达编制控制数)
    ("no control ceiling is set for this jurisdiction", "本辖区尚未设定编制总量控制数"),
    ("the control ceiling is set once; it can only be lowered", "编制总量控制数只设定一次，此后只能调低"),
    ("the control ceiling only goes down (两个只减不增)", "编制总量控制数只减不增（两个只减不增）"),
    ("ceilings must be non-negative, fiscal within total", "控制数不能为负数，财政拨款编制控制数不能超过总量"),
    (
        "control ceiling (两个只减不增): the jurisdiction holds {} slots and its ceiling is {}",
        "编制总量控制（两个只减不增）：本辖区已有编制{}个，控制数为{}",
    ),
    (
        "control ceiling (两个只减不增): the jurisdiction holds {} fiscally funded slots and its ceiling is {}",
        "编制总量控制（两个只减不增）：本辖区已有财政拨款编制{}个，控制数为{}",
    ),
    (
        "control figure (下达编制控制数): {} holds {} of the {} slots the level above granted it ({}); {} more would \
         exceed it",
        "下达编制控制数：{0}已使用上级下达的{2}个编制中的{1}个（{3}），再增加{4}个将超出",
    ),
    (
        "control figure (两个只减不增): {} supports {} people from the budget, the figure the level above granted it \
         ({}); a fiscally funded hire would exceed it",
        "下达编制控制数（两个只减不增）：{}财政供养人员已达{}人，即上级下达的控制数（{}）；再进财政拨款人员将超出",
    ),
    (
        "no control figure has been handed down to {}: its approvals wait for the level above",
        "{}尚未获上级下达编制控制数：核定编制须待上级下达",
    ),
    (
        "the level above hands its control figures down in this system: they change only by its decision \
         (handDownControlFigures)",
        "上级已在本系统下达编制控制数：只能由上级决定调整",
    ),
    (
        "{} already holds {} slots and {} fiscally supported people: a figure below that is reduced first",
        "{}现有编制{}个、财政供养人员{}人：低于此数的控制数须先核减",
    ),
    (
        "{} already holds {} slots and {} fiscally supported people: the figures granted cannot be below that",
        "{}现有编制{}个、财政供养人员{}人：下达的控制数不能低于此数",
    ),
    (
        "{} would hold {} slots and {} fiscally supported people with this figure, beyond its own figures of {} and {}",
        "按此下达，{}将有编制{}个、财政供养人员{}人，超出本级控制数{}和{}",
    ),
    ("base figures must be non-negative, fiscal within total", "基数不能为负数，财政拨款编制不能超过总量"),
    ("`baseYear` must be a past year", "基准年度须为已过去的年度"),
    // The turnover pool (周转池)
    ("the jurisdiction has no turnover pool; configure it first", "本辖区尚未设立编制周转池：请先设立"),
    ("`capShare` must be above 0 and at most 1", "上限比例须大于0且不超过1"),
    ("terms are from 1 to 120 months; vacancy age from 0 to 240", "期限须为1至120个月，空编月数须为0至240"),
    ("name at least one sector that may borrow", "请至少指定一个可借用的行业"),
    ("only an active institution borrows", "只有存续单位可以借用编制"),
    ("only an active institution deposits slots", "只有存续单位可以存入编制"),
    ("only vacant, unfrozen slots of the institution's own can be deposited", "只能存入本单位未冻结的空编"),
    (
        "only {} of the institution's vacant slots have stood vacant for {} months on {}; the pool takes long-vacant \
         slots only",
        "截至{2}，该单位空置满{1}个月的编制只有{0}个；周转池只接收长期空编",
    ),
    (
        "the pool has too few available slots (base fund + deposits - loans outstanding)",
        "周转池可用编制不足（基数加存入减未归还借用）",
    ),
    ("the pool lends to {} only", "周转池只向以下行业出借：{}"),
    (
        "the pool would exceed its cap (a share of the jurisdiction's vacant slots)",
        "周转池将超过上限（本辖区空编的一定比例）",
    ),
    ("a loan states its purpose", "借用须说明用途"),
    ("`termMonths` must be from 1 to 120", "期限须为1至120个月"),
    ("borrowed slots are repaid only when vacant", "借用的编制空出后才能归还"),
    ("the loan has {} slots outstanding", "该借用尚有{}个编制未归还"),
    ("the institution has fewer slots deposited than that", "该单位存入的编制少于此数"),
    ("the institution has {} deposited slots not already being withdrawn", "该单位存入且未在取回中的编制只有{}个"),
    // Vacancy-use plans (用编计划) and the annual recruitment plan
    ("vacancy-use plan {} is not an approved plan", "用编计划{}尚未批准"),
    ("vacancy-use plan {} is not a plan of this institution", "用编计划{}不是本单位的计划"),
    (
        "vacancy-use plan {} cannot take this hire: it must be an approved, unexpired plan of this institution for {} \
         slots, with quota left",
        "用编计划{}不可用：须为本单位已批准、未过期、{}编制且有剩余名额的计划",
    ),
    (
        "only {} {} slot(s) are vacant and not already promised to an approved plan",
        "{1}空编仅剩{0}个（已扣除已批准用编计划的剩余名额）",
    ),
    ("the hire is dated {}, before vacancy-use plan {} was approved ({})", "进人日期{}早于用编计划{}的批准日期（{}）"),
    ("an approved plan has an `expiresOn` day", "已批准的计划须有有效期"),
    ("`expiresOn` is before `approvedOn`", "有效期早于批准日期"),
    ("`expiresOn` is in the past", "有效期早于今天"),
    ("an extension moves `expiresOn` later than the plan's present expiry", "延期须晚于计划现在的有效期"),
    ("the plan's quota is drawn in full: there is nothing to extend", "计划名额已用完，无须延期"),
    (
        "a cut approves from 1 to {} slots (fewer than the {} requested)",
        "核减后批准的编制数须为1至{}（少于申请的{}个）",
    ),
    ("a cut gives its `reason`", "核减须填写理由"),
    ("a cut gives the `slots` approved", "核减须填写批准的编制数"),
    (
        "a cut of a plan with structured posts gives the posts approved (`postList`)",
        "核减按岗位申请的计划须填写批准的岗位清单",
    ),
    ("a refusal gives its `reason`", "不予批准须填写理由"),
    ("a reduction plan needs an active institution", "只有存续单位可以制定核减计划"),
    ("the institution already has an open reduction plan", "该单位已有进行中的核减计划"),
    ("`target` must be a whole number from 1 to 10000", "目标数须为1至10000的整数"),
    ("`years` must be from 1 to 20", "年数须为1至20"),
    ("a plan names from 1 to {} posts", "计划须列明1至{}个岗位"),
    ("each post's `count` is from 1 to 1000", "每个岗位的数量须为1至1000"),
    ("a post's `{}` may be at most {} characters", "岗位的{}最多{}个字符"),
    ("the posts add up to {}, not the plan's {} slots", "各岗位合计{}个，与计划的{}个编制不符"),
    ("the plan has no open {} post: it approved {}", "计划中没有可用的{}岗位：已批准的为{}"),
    (
        "the annual recruitment plan (年度进人计划) for {} gives this institution's department no quota",
        "{}年度进人计划未给该单位的主管部门安排名额",
    ),
    (
        "the department's plans of {} already hold {} of its {} slots (年度进人计划 {}); {} more would exceed it",
        "该主管部门{0}年的用编计划已占年度进人计划{3}中{2}个名额的{1}个，再增加{4}个将超出",
    ),
    (
        "{}'s plans of {} already hold {} slots: its quota cannot be below that",
        "{}的{}年用编计划已占{}个名额：名额不能低于此数",
    ),
    ("`year` is from 2000 to 2100", "年度须为2000至2100"),
    ("`year` is from 2000 to {}", "年度须为2000至{}"),
    ("`year` is out of range", "年度超出范围"),
    ("`year` runs from 2000 to {}", "年度须为2000至{}"),
    ("`{}` is required", "{}必须填写"),
    ("`{}` may be at most {} characters", "{}最多{}个字符"),
    ("at most {} attachments", "附件最多{}个"),
    // People: hires, movements, departures
    (
        "this person already holds an establishment slot; one person may hold at most one (一人一编)",
        "该人员已占用编制：一人只能占用一个编制（一人一编）",
    ),
    (
        "a hire into an establishment slot draws on an approved vacancy-use plan: give `planId`, or `ownPlan` for the \
         office's own decision recorded with the hire",
        "占用编制进人须依据已批准的用编计划：请选择用编计划，或填写本级核准的用编决定",
    ),
    (
        "a vacancy-use plan (`planId` or `ownPlan`, one of them) is for a hire into an establishment slot",
        "用编计划只用于占用编制的进人，且只能填写一项",
    ),
    ("only an active institution can hire", "只有存续单位可以进人"),
    ("`hireDate` is in the future", "进人日期晚于今天"),
    ("`hireDate` is before the person's birth date", "进人日期早于本人出生日期"),
    (
        "the person reached the statutory retirement age on {}; they cannot be hired",
        "本人已于{}达到法定退休年龄，不能进人",
    ),
    ("the person is {} on the hire date; a hire needs an age of at least {}", "进人日期时本人{}岁，进人须年满{}岁"),
    (
        "`documentNo` is for a transfer in (a plan recruiting by TRANSFER_IN)",
        "文号仅用于调入（用编计划的进人方式为调入）",
    ),
    ("a transfer in (调入) carries the transfer's document number (`documentNo`)", "调入须填写调动的文号"),
    (
        "a transfer across jurisdictions draws on the receiving office's plan recruiting by TRANSFER_IN",
        "跨地区调动须依据调入地进人方式为调入的用编计划",
    ),
    ("a transfer across jurisdictions moves a person in establishment", "跨地区调动只适用于在编人员"),
    ("within one jurisdiction a person moves by transferStaff", "同一行政区划内的调动请办理人员调动"),
    ("only an active person can be transferred", "只有在职人员可以调动"),
    ("only a person in post moves (one seconded out returns first)", "只有在岗人员可以调动（借调人员须先返回）"),
    ("the person already works there", "该人员已在该单位工作"),
    ("person {} does not work in this institution", "人员{}不在本单位工作"),
    ("the person has already retired or left", "该人员已退休或离开"),
    (
        "`reason` is required: why the person left (TRANSFER_OUT, RESIGNATION, DISMISSAL, CIVIL_SERVICE, DEATH, \
         EXPULSION or OTHER)",
        "须填写减员原因：调出、辞职、辞退/解聘、考录公务员、死亡、开除或其他",
    ),
    ("a retirement is recorded with `retireStaff`", "退休请办理退休手续"),
    ("a retirement's `reason` is RETIREMENT", "退休的减员原因应为退休"),
    ("`retirementBasis` is for a retirement", "提前退休依据仅用于退休"),
    ("a person is given two destinations", "同一人员填写了两个去向"),
    (
        "a postponement runs past the statutory retirement day ({}) by at most three years, to {}",
        "弹性延迟退休最多比法定退休日期（{}）推迟三年，至{}",
    ),
    (
        "the person is {} on {}, before the earliest lawful retirement ({}): an early retirement needs its basis \
         (`retirementBasis`: ILLNESS 病退, SPECIAL_WORK 特殊工种, WORK_INJURY 因工致残) and the approving document",
        "本人在{1}为{0}岁，早于最早可退休日期（{2}）：提前退休须填写依据（病退、特殊工种或因工致残）和批准文号",
    ),
    ("the person is {} on {}: {} allows retirement from {}", "本人在{1}为{0}岁：{2}须年满{3}岁方可退休"),
    ("an early retirement needs the approving document (`documentNo`)", "提前退休须填写批准文号"),
    ("only an active person in establishment can be seconded out", "只有在职在编人员可以借调"),
    ("the person is not seconded out", "该人员不在借调中"),
    ("`until` is required: the approved term's last day", "须填写借调截止日期（批准期限的最后一天）"),
    ("`until` is before `startedOn`", "截止日期早于开始日期"),
    ("`until` is before the secondment begins", "截止日期早于借调开始日期"),
    ("`startedOn` is in the future", "开始日期晚于今天"),
    ("`startedOn` is before the person's hire date", "开始日期早于本人进人日期"),
    (
        "only an active person in establishment, in post, can be recorded off post",
        "只有在职在岗的在编人员可以登记不在岗",
    ),
    ("the person is not off post", "该人员不在“在编不在岗”状态"),
    ("the person is off post ({}) since {}: record the return first", "该人员自{1}起不在岗（{0}）：请先登记返岗"),
    ("`endedOn` is in the future", "结束日期晚于今天"),
    ("`endedOn` is before the time off post began", "结束日期早于不在岗开始日期"),
    (
        "leave to start a business (离岗创业) runs at most three years (人社部规〔2017〕4号)",
        "离岗创业最长三年（人社部规〔2017〕4号）",
    ),
    (
        "`paidByBudget` is for temporary staff (people in establishment are counted by their basis)",
        "财政供养标记仅用于编外人员（在编人员按用编类型统计）",
    ),
    (
        "the person's post grade belongs to their present category: record the new post grade with the change",
        "岗位等级须属于本人现岗位类别：变更类别时请同时登记新的岗位等级",
    ),
    ("enteredEstablishmentOn: before the day the person started work", "入编日期早于参加工作时间"),
    // Total-staff filing of public hospitals (备案制)
    (
        "total-staff filing is for public hospitals (医院 in the HEALTH sector)",
        "人员总量备案仅适用于公立医院（卫生健康行业的医院）",
    ),
    (
        "filed staff are hired only by a hospital with an approved total-staff filing",
        "只有人员总量备案已批准的医院可以招聘备案制人员",
    ),
    (
        "a hospital under total-staff filing hires filed staff (basis FILED): its establishment only shrinks as its \
         people in establishment leave",
        "实行人员总量备案的医院招聘备案制人员：其编制随在编人员减少而核减",
    ),
    ("the hospital's filed total of {} is reached", "该医院备案的人员总量{}已满"),
    ("the filing is already approved", "该备案已经批准"),
    ("set the hospital's profile (beds, outpatient visits, grade) first", "请先登记医院概况（床位、门急诊人次、等级）"),
    ("beds must be from 1 to 20000 and outpatient visits not negative", "床位须为1至20000，门急诊人次不能为负数"),
    // Staffing norms for schools, kindergartens and township health centres
    (
        "`pupilsPrimary`, `pupilsJunior` and `pupilsSenior` must each be from 0 to 20000",
        "小学、初中、高中在校生数须各为0至20000",
    ),
    ("`classes` must be from 0 to 1000", "班数须为0至1000"),
    ("`boarders` must be from 0 to the pupils or children", "寄宿生数须为0至在校生（在园幼儿）数"),
    ("`children` must be from 1 to 5000", "在园幼儿数须为1至5000"),
    ("`populationServed` must be from 1 to 2000000", "服务人口须为1至2000000"),
    ("a school's profile needs its pupils", "学校须填写在校生数"),
    ("a village school or teaching point has primary pupils", "村小、教学点须有小学在校生"),
    ("a {} profile is for institutions of the {} sector", "{}测算情况只适用于{}行业的单位"),
    ("`vacantMonths` may be 0 to 600", "空编月数须为0至600"),
    ("the approved total must lie within the norm's range, {} to {}", "批准的总量须在标准范围{}至{}之内"),
    // Reforms (撤并转)
    ("an institution cannot be merged into itself", "单位不能并入自身"),
    (
        "an institution is dissolved only when no staff remain or every person's destination is given; missing: {}",
        "撤销单位须无在编人员或为每人填写去向；尚未填写去向的人员：{}",
    ),
    ("institutions are merged within one jurisdiction", "单位合并限于同一行政区划内"),
    ("name at least one institution to merge", "请至少指定一个被合并的单位"),
    ("give either `targetId` or `newTarget`", "请填写并入单位或新设单位，二者选一"),
    ("{} is already in {}", "{}已在{}"),
    (
        "{} has slots deposited in or borrowed from the turnover pool: settle them before it moves",
        "{}有存入或借用周转池的编制：请先结清再划转",
    ),
    (
        "{} has vacancy-use plans waiting or open: decide, revoke or spend them before it moves",
        "{}有待批或未用完的用编计划：请先审批、撤销或用完再划转",
    ),
    ("not active institutions of your jurisdiction: {}", "以下单位不是本辖区的存续单位：{}"),
    // Evaluation (绩效评价)
    ("a SECTOR indicator names its sectors", "行业指标须指定适用的行业"),
    ("only SECTOR indicators name sectors", "只有行业指标可以指定行业"),
    ("give either `category` or `indicatorCode`", "请填写指标类别或指标代码，二者选一"),
    ("a set holds at most {} indicators", "指标体系最多{}项指标"),
    ("the set already has an indicator `{}`", "指标体系中已有指标“{}”"),
    (
        "the set is used by a round that has opened; its indicators are fixed",
        "该指标体系已用于已开始的评价，指标不能再改",
    ),
    ("`minScore` must be below `maxScore`", "最低分须低于最高分"),
    ("`weight` must be above 0 and at most 100", "权重须大于0且不超过100"),
    ("a group's weight is from 0 to 100", "评价主体的权重须为0至100"),
    ("the group {} is weighted twice", "评价主体{}的权重重复填写"),
    ("the groups' weights must sum to 100; they sum to {}", "各评价主体的权重合计须为100，现为{}"),
    (
        "the applicable weights must sum to 100 for every institution; {}",
        "每个单位适用指标的权重合计须为100，请检查各行业指标的权重",
    ),
    ("thresholds must rise: 0 < pass < good < excellent <= 100", "等级分数线须依次升高：0 < 合格 < 良好 < 优秀 ≤ 100"),
    ("a round evaluates at least one institution", "每轮评价至少包括一个单位"),
    ("assign committee members before opening the round", "请先指定评价委员再开始评价"),
    ("`{}` is already on the committee", "“{}”已是评价委员"),
    ("institution {} is not in this round", "单位{}不在本轮评价中"),
    ("indicator `{}` does not apply to this institution", "指标“{}”不适用于该单位"),
    ("`{}` is scored from {} to {}", "“{}”的评分范围为{}至{}"),
    ("the score must be from {} to {}", "评分须为{}至{}"),
    ("submit at least one score", "请至少提交一项评分"),
    ("scores are submitted while the round is SCORING; it is {}", "评分只能在评分阶段提交，本轮现为{}"),
    ("scores are corrected only in a CLOSED round; this one is {}", "评分只能在评价结束后更正，本轮现为{}"),
    ("a correction needs its reason", "更正须填写理由"),
    ("an exclusion needs its reason", "不予评价须填写理由"),
    ("an institution is excluded twice", "同一单位重复列为不予评价"),
    ("the round is {}, not {}", "本轮评价现为{}，而不是{}"),
    ("the round is {}; its committee is fixed", "本轮评价现为{}，评价委员不能再改"),
    (
        "{} institution(s) are not completely scored: {}; score them or exclude each with a reason",
        "有{}个单位尚未评分完毕：{}；请评分，或填写理由后不予评价",
    ),
    // Submissions (填报) and annual reports
    (
        "a submission is exactly one of `arrival`, `departure`, `personFacts`, `institutionFacts`, `annualReport`",
        "每份填报只能是一项：人员入编、人员出编、人员信息变更、单位信息变更或年度报告",
    ),
    (
        "an arrival is submitted on an approved vacancy-use plan (`planId`); `ownPlan` is the office's",
        "人员入编须依据已批准的用编计划；本级核准的用编决定由机构编制部门填写",
    ),
    ("submission {} is {}: it cannot be {}", "填报{}现为{}，不能改为{}"),
    ("this request has already been decided", "该申请已审批"),
    ("`inEstablishment` may not be negative", "年末在编人数不能为负数"),
    (
        "`year`: a finished year since the institution was established ({} to {})",
        "报告年度须为单位成立以来已经结束的年度（{}至{}）",
    ),
    ("the annual report of {} is already recorded", "{}年度报告已经报送"),
    (
        "the report's people in establishment ({}) differ from the roster's at 31 December {} ({})",
        "年度报告的年末在编人数（{0}）与实名制名册{1}年12月31日的人数（{2}）不一致",
    ),
    ("`{}`: an amount in yuan, such as 1250000.00", "{}以元为单位，最多两位小数，如1250000.00"),
    // Disclosure (公开)
    ("`suppressionThreshold` must be from 0 (publish every count) to 50", "小数隐藏门槛须为0（全部公开）至50"),
    (
        "at threshold {} the figures of {} would still be recoverable from what is public (their establishment, an \
         earlier release, or the totals): publish at a lower threshold, or openly",
        "按门槛{}公开，{}的人数仍可由公开数据（编制数、以前的公开版本或合计）推算出来：请降低门槛或全部公开",
    ),
    ("releases of different jurisdictions", "不同行政区划的公开版本不能比较"),
    ("that release is not this jurisdiction's", "该公开版本不属于本辖区"),
    ("this release was published before its figures were kept for audit", "该公开版本发布时尚未保存用于审计的数据"),
    // Files and their rows (an import's reasons that carry values)
    ("{} repeats line {}", "{}与第{}行重复"),
    ("jurisdiction `{}` is not this office's own", "{}不是本辖区"),
    ("jurisdiction `{}` does not exist", "行政区划{}不存在"),
    ("`{}` is not a whole number from 0 to 100000", "“{}”不是0至100000的整数"),
    ("`{}` must be 是 or 否 (true or false)", "“{}”应填写是或否"),
    ("`{}` is not a date", "“{}”不是有效日期"),
    ("{} is in the future", "{}晚于今天"),
    ("{} is already registered", "{}已经登记"),
    ("{} institutions are named `{}`: give the unit's credit code", "有{}个单位名为“{}”：请填写单位的统一社会信用代码"),
    ("this person already holds an establishment slot (一人一编)", "该人员已占用编制（一人一编）"),
    (
        "filed staff are hired only by a hospital with an approved total-staff filing; `{}` has none",
        "只有人员总量备案已批准的医院可以招聘备案制人员；“{}”没有备案",
    ),
    ("the filed total of `{}` is reached", "“{}”备案的人员总量已满"),
    (
        "no vacant {} slot left in `{}`: this row would put it over its establishment (超编); use \
         --accept-over-establishment to record inherited over-establishment",
        "“{1}”已没有{0}空编：此行将造成超编；如属历史遗留的超编，请用 `--accept-over-establishment` 导入",
    ),
    ("`{}` is a title and a count from 1 to 50, as 副主任2", "“{}”应为职务名称加1至50的职数，如副主任2"),
    ("`{}` is a title and a count, as 副主任2", "“{}”应为职务名称加职数，如副主任2"),
    // Files
    ("exports are .csv or .xlsx", "导出文件应为 .csv 或 .xlsx"),
    (
        "imports are staff, institutions or departments, .csv or .xlsx",
        "导入的是人员、单位或部门，文件应为 .csv 或 .xlsx",
    ),
];
