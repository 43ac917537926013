//! Enumerations shared by the tables, the GraphQL schema and the import files.
//! The stored string, the GraphQL value and the CSV word are the same word.

use async_graphql::Enum;
use sea_orm::entity::prelude::*;

macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Enum, serde::Serialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $word)]
                #[graphql(name = $word)]
                #[serde(rename = $word)]
                $variant,
            )+
        }

        impl $name {
            /// The word used in storage, GraphQL and files.
            pub fn word(self) -> &'static str {
                match self {
                    $(Self::$variant => $word,)+
                }
            }

            /// Parses the word used in storage, GraphQL and files.
            pub fn from_word(word: &str) -> Option<Self> {
                match word {
                    $($word => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// Every value, in declaration order.
            pub fn all() -> &'static [Self] {
                &[$(Self::$variant),+]
            }
        }
    };
}

word_enum!(
    /// Where a jurisdiction sits in the administrative tree.
    JurisdictionKind {
        Province = "PROVINCE",
        City = "CITY",
        County = "COUNTY",
        District = "DISTRICT",
    }
);

word_enum!(
    /// The kind of body a supervising department (主管部门) is.
    DepartmentKind {
        Party = "PARTY",
        Government = "GOVERNMENT",
        PeoplesCongress = "PEOPLES_CONGRESS",
        PoliticalConsultative = "POLITICAL_CONSULTATIVE",
        MassOrganisation = "MASS_ORGANISATION",
    }
);

word_enum!(
    /// Classification (分类) of a public institution.
    Classification {
        PublicWelfareI = "PUBLIC_WELFARE_I",
        PublicWelfareII = "PUBLIC_WELFARE_II",
        Administrative = "ADMINISTRATIVE",
        ProductionOperation = "PRODUCTION_OPERATION",
        Unclassified = "UNCLASSIFIED",
        Excluded = "EXCLUDED",
    }
);

word_enum!(
    /// Funding form (经费形式) of an institution.
    FundingForm {
        FullAppropriation = "FULL_APPROPRIATION",
        DifferentialAppropriation = "DIFFERENTIAL_APPROPRIATION",
        SelfFinanced = "SELF_FINANCED",
    }
);

word_enum!(
    /// Management mode: with reference to the Civil Servant Law (参公管理) or not.
    ManagementMode {
        CivilServantReferenced = "CIVIL_SERVANT_REFERENCED",
        Regular = "REGULAR",
    }
);

word_enum!(
    /// Administrative level (机构规格).
    Level {
        Division = "DIVISION",
        DeputyDivision = "DEPUTY_DIVISION",
        Section = "SECTION",
        DeputySection = "DEPUTY_SECTION",
        SubSection = "SUB_SECTION",
        Unranked = "UNRANKED",
    }
);

word_enum!(
    /// Sector (行业) an institution works in.
    Sector {
        DirectParty = "DIRECT_PARTY",
        DirectGovernment = "DIRECT_GOVERNMENT",
        AgricultureForestryWaterLivestock = "AGRICULTURE_FORESTRY_WATER_LIVESTOCK",
        Education = "EDUCATION",
        Health = "HEALTH",
        CultureTourismSports = "CULTURE_TOURISM_SPORTS",
        CivilAffairsSocialWelfare = "CIVIL_AFFAIRS_SOCIAL_WELFARE",
        IndustryTransport = "INDUSTRY_TRANSPORT",
        ScienceResearch = "SCIENCE_RESEARCH",
        Other = "OTHER",
    }
);

word_enum!(
    /// Lifecycle status of an institution.
    InstitutionStatus {
        Active = "ACTIVE",
        Dissolved = "DISSOLVED",
        Merged = "MERGED",
        Converted = "CONVERTED",
    }
);

word_enum!(
    /// Staff category (岗位类别).
    StaffCategory {
        Management = "MANAGEMENT",
        ProfessionalTechnical = "PROFESSIONAL_TECHNICAL",
        LogisticsService = "LOGISTICS_SERVICE",
    }
);

word_enum!(
    /// Employment basis: in establishment (fiscal or self-financed), temporary (编外), or filed
    /// in a hospital under total-staff filing beyond its establishment (备案制).
    StaffBasis {
        Fiscal = "FISCAL",
        SelfFinanced = "SELF_FINANCED",
        Temporary = "TEMPORARY",
        Filed = "FILED",
    }
);

word_enum!(
    /// Staff status.
    StaffStatus {
        Active = "ACTIVE",
        SecondedOut = "SECONDED_OUT",
        Retired = "RETIRED",
        Left = "LEFT",
    }
);

word_enum!(
    /// Funding kind of an establishment slot (编制类型).
    Funding {
        Fiscal = "FISCAL",
        SelfFinanced = "SELF_FINANCED",
    }
);

word_enum!(
    /// Kind of a recorded establishment event. POOL_FUND puts reserve slots into the turnover
    /// pool's base fund; DEPOSIT/WITHDRAW and LEND/REPAY are the pool's movements.
    EventKind {
        Approve = "APPROVE",
        Reduce = "REDUCE",
        Freeze = "FREEZE",
        Unfreeze = "UNFREEZE",
        Reclaim = "RECLAIM",
        Allocate = "ALLOCATE",
        TransferOut = "TRANSFER_OUT",
        TransferIn = "TRANSFER_IN",
        Convert = "CONVERT",
        PoolFund = "POOL_FUND",
        Deposit = "DEPOSIT",
        Withdraw = "WITHDRAW",
        Lend = "LEND",
        Repay = "REPAY",
    }
);

word_enum!(
    /// Reforms (撤并转): dissolve, merge into another, convert to an enterprise.
    ReformKind {
        Dissolve = "DISSOLVE",
        Merge = "MERGE",
        Convert = "CONVERT",
    }
);

word_enum!(
    /// A reduction plan is open until its target is reached.
    PlanStatus {
        Open = "OPEN",
        Closed = "CLOSED",
    }
);

word_enum!(
    /// What happened to a person on the real-name list.
    MovementKind {
        Hire = "HIRE",
        TransferOut = "TRANSFER_OUT",
        TransferIn = "TRANSFER_IN",
        SecondOut = "SECOND_OUT",
        Return = "RETURN",
        Retire = "RETIRE",
        Leave = "LEAVE",
    }
);

word_enum!(
    /// Why a person retired before the earliest lawful age (法定退休年龄 less the three years of
    /// flexible early retirement, never below the age before 2025), with its approving document:
    /// 病退 (illness or a non-work disability: men from 50, women from 45), 特殊工种 (years in
    /// underground, high-altitude, hot or heavy work: men from 55, women from 45), 因工致残 (a work
    /// injury: no age floor).
    RetirementBasis {
        Illness = "ILLNESS",
        SpecialWork = "SPECIAL_WORK",
        WorkInjury = "WORK_INJURY",
    }
);

impl StaffBasis {
    /// The slot funding a person of this basis occupies; temporary staff occupy none.
    pub fn funding(self) -> Option<Funding> {
        match self {
            Self::Fiscal => Some(Funding::Fiscal),
            Self::SelfFinanced => Some(Funding::SelfFinanced),
            Self::Temporary | Self::Filed => None,
        }
    }
}

impl StaffStatus {
    /// Active and seconded-out staff keep their slot; retired and departed staff do not.
    pub fn holds_slot(self) -> bool {
        matches!(self, Self::Active | Self::SecondedOut)
    }
}

word_enum!(
    /// Where an indicator applies: every institution, one or more sectors, or public opinion.
    IndicatorCategory {
        Common = "COMMON",
        Sector = "SECTOR",
        Public = "PUBLIC",
    }
);

word_enum!(
    /// DRAFT -> SCORING -> CLOSED -> PUBLISHED.
    RoundStatus {
        Draft = "DRAFT",
        Scoring = "SCORING",
        Closed = "CLOSED",
        Published = "PUBLISHED",
    }
);

word_enum!(
    /// The group a committee member scores for.
    MemberGroup {
        Expert = "EXPERT",
        ServiceRecipient = "SERVICE_RECIPIENT",
        PublicRepresentative = "PUBLIC_REPRESENTATIVE",
        Media = "MEDIA",
    }
);

word_enum!(
    /// An evaluation result's grade.
    Grade {
        Excellent = "EXCELLENT",
        Good = "GOOD",
        Pass = "PASS",
        Fail = "FAIL",
    }
);

word_enum!(
    /// A pool loan is open until every borrowed slot is repaid.
    LoanStatus {
        Open = "OPEN",
        Repaid = "REPAID",
    }
);

word_enum!(
    /// A withdrawal waits in the queue when every pooled slot is lent out.
    WithdrawalStatus {
        Queued = "QUEUED",
        Served = "SERVED",
    }
);

word_enum!(
    /// Hospital grade (医院等级).
    HospitalGrade {
        Grade3A = "GRADE_3A",
        Grade3 = "GRADE_3",
        Grade2A = "GRADE_2A",
        Grade2 = "GRADE_2",
        Grade1 = "GRADE_1",
        Ungraded = "UNGRADED",
    }
);

word_enum!(
    /// A hospital's kind, which picks its staffing norm: general (综合医院) or traditional
    /// Chinese medicine (中医医院).
    HospitalKind {
        General = "GENERAL",
        TraditionalChineseMedicine = "TCM",
    }
);

word_enum!(
    /// Which staffing norm a unit's profile is for: a school (中小学), a kindergarten (幼儿园) or
    /// a township health centre (乡镇卫生院).
    NormKind {
        School = "SCHOOL",
        Kindergarten = "KINDERGARTEN",
        HealthCentre = "HEALTH_CENTRE",
    }
);

word_enum!(
    /// A total-staff filing is proposed, then approved by the staffing office.
    FilingStatus {
        Proposed = "PROPOSED",
        Approved = "APPROVED",
    }
);

word_enum!(
    /// How a vacancy is to be filled (招录方式), as offices and 人社 count them: 公开招聘 (open
    /// exam), 考核招聘 (by assessment, for shortage and senior posts), 人才引进 (talent brought in),
    /// 调入 (a transfer in from another unit), 选调 (selected from serving staff), 定向招聘 (targeted:
    /// service-programme graduates, veterans' quotas), 军转干部安置 (military cadres transferred to
    /// civilian work), 退役士兵安置 (demobilised soldiers), 随军家属安置 (military spouses), 履约
    /// (publicly funded teacher and targeted medical students serving their contract), 毕业生安置
    /// (graduates placed under the old assignment system), 其他.
    Recruitment {
        OpenExam = "OPEN_EXAM",
        Assessment = "ASSESSMENT",
        TalentIntroduction = "TALENT_INTRODUCTION",
        TransferIn = "TRANSFER_IN",
        Selection = "SELECTION",
        Targeted = "TARGETED",
        MilitaryCadrePlacement = "MILITARY_CADRE_PLACEMENT",
        VeteranPlacement = "VETERAN_PLACEMENT",
        MilitarySpousePlacement = "MILITARY_SPOUSE_PLACEMENT",
        ContractedGraduate = "CONTRACTED_GRADUATE",
        GraduatePlacement = "GRADUATE_PLACEMENT",
        Other = "OTHER",
    }
);

word_enum!(
    /// A vacancy-use plan (用编计划) is requested by a department, then approved (in full or
    /// cut) or refused by the staffing office; an approved plan may be revoked (收回) by it,
    /// and what was not drawn is no longer promised.
    VacancyUseStatus {
        Requested = "REQUESTED",
        Approved = "APPROVED",
        Refused = "REFUSED",
        Revoked = "REVOKED",
    }
);

word_enum!(
    /// Why a person left the establishment, as the annual statistics count departures: 调出 (to a
    /// post outside the system), 辞职, 辞退/解聘, 考录公务员 (became a civil servant), 退休, 死亡,
    /// 开除, 其他.
    DepartureReason {
        TransferOut = "TRANSFER_OUT",
        Resignation = "RESIGNATION",
        Dismissal = "DISMISSAL",
        CivilService = "CIVIL_SERVICE",
        Retirement = "RETIREMENT",
        Death = "DEATH",
        Expulsion = "EXPULSION",
        Other = "OTHER",
    }
);

word_enum!(
    /// Off post while in establishment (在编不在岗), for an approved term: 离岗创业 (leave to
    /// start a business, at most three years), 长期病休 (long sick leave), 停薪留职 (unpaid
    /// leave), 挂职/驻村 (attached to another body or stationed in a village), 脱产学习 (full-time
    /// study).
    AbsenceKind {
        Entrepreneurship = "ENTREPRENEURSHIP",
        LongSickLeave = "LONG_SICK_LEAVE",
        UnpaidLeave = "UNPAID_LEAVE",
        Attachment = "ATTACHMENT",
        FullTimeStudy = "FULL_TIME_STUDY",
    }
);

word_enum!(
    /// What an institution submits for review (单位填报): a person's arrival on an approved
    /// vacancy-use plan, a departure, a change of a person's facts, a change of its own facts,
    /// its annual report.
    SubmissionKind {
        Arrival = "ARRIVAL",
        Departure = "DEPARTURE",
        PersonFacts = "PERSON_FACTS",
        InstitutionFacts = "INSTITUTION_FACTS",
        AnnualReport = "ANNUAL_REPORT",
    }
);

word_enum!(
    /// Where a submission stands: a draft the institution edits; submitted, awaiting its
    /// supervising department; passed by it, awaiting the staffing office; approved (the act
    /// recorded); returned (by either, with a reason: the institution edits and submits again);
    /// withdrawn by the institution.
    SubmissionStatus {
        Draft = "DRAFT",
        Submitted = "SUBMITTED",
        Passed = "PASSED",
        Approved = "APPROVED",
        Returned = "RETURNED",
        Withdrawn = "WITHDRAWN",
    }
);
